#!/usr/bin/env bash
# Whole-process benchmark: `kubermesh plan --inventory` of N MACs (default 100,000), JSON and
# table output, wall time and peak RSS (GNU time), median of R runs (default 5).
# Usage: kubermesh-benchmarks/scripts/plan-inventory.sh [N] [R]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
n=${1:-100000}
runs=${2:-5}
work=$(mktemp -d /tmp/km-plan-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/kubermesh" --version >/dev/null   # builds the CLI if needed, outside the measurement
python3 - "$n" > "$work/inventory.txt" <<'PY'
import random, sys
random.seed(42)
seen = set()
print("# generated inventory")
while len(seen) < int(sys.argv[1]):
    m = random.getrandbits(48) & ~(1 << 40)
    if m and m not in seen:
        seen.add(m)
        print(":".join(f"{(m >> s) & 0xff:02x}" for s in range(40, -8, -8)))
PY
jar="$here/kubermesh-cli/target/kubermesh-cli.jar"
for fmt in json table; do
  for i in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" java -jar "$jar" plan --inventory "$work/inventory.txt" -o "$fmt" > "$work/out"
    echo "$(cat "$work/t") $(stat -c %s "$work/out")" >> "$work/$fmt"
  done
  sort -n "$work/$fmt" | awk -v n="$n" -v fmt="$fmt" -v runs="$runs" '
    { t[NR]=$1; m[NR]=$2; b=$3 }
    END { mid=int((NR+1)/2); printf "plan --inventory %d MACs -o %-5s: median wall %.2f s, peak RSS %.0f MiB (of %d runs), output %.1f MiB\n", n, fmt, t[mid], m[mid]/1024, runs, b/1048576 }'
done
