#!/usr/bin/env bash
# The node OS build (issue 12): `kubermesh image build` from nothing (a fresh, empty layer cache:
# every package downloaded, the root, the Java runtime and every layer built), warm (everything from
# the cache), and after a change of the agent jar alone (one jar rewritten: only the agent layer is
# packed again); then the sizes of what it wrote. Boot times are printed by the VM ITs
# (LibvirtLabIT and BaremetalNodeOsIT in kubermesh-cli).
# Needs root and Debian's archive. Run from the repository root after:
#   mvn -B -q -pl kubermesh-cli -am package -DskipTests
# COLD=0 skips the build from nothing (several minutes). Scratch in /var/tmp/kmimg-bench.*, removed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/kubermesh-cli/target/kubermesh-cli.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B -q -pl kubermesh-cli -am package -DskipTests" >&2; exit 3; }
CACHE=${CACHE:-/var/cache/kubermesh/image}
W=$(mktemp -d /var/tmp/kmimg-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
build() { # label cache agent-jar
  local t0 t1
  t0=$(date +%s.%N)
  java -jar "$JAR" image build --output "$W/out" --cache "$2" --agent-jar "$3" > "$W/$1.log" 2>&1 \
    || { cat "$W/$1.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  printf '%-22s %7.1f s   (%s)\n' "$1" "$(echo "$t1 - $t0" | bc)" \
    "$(grep -o 'image: [a-z]* [a-z ]* in [0-9.]* s' "$W/$1.log" | sed 's/image: //' | paste -sd, -)"
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
if [ "${COLD:-1}" = 1 ]; then
  build "from nothing" "$W/cold-cache" "$JAR"
fi
build "warm cache" "$CACHE" "$JAR"
# The agent changed: the same jars, one of them rewritten with one more entry.
mkdir -p "$W/agent/lib"; cp "$JAR" "$W/agent/"; cp "$ROOT"/kubermesh-cli/target/lib/*.jar "$W/agent/lib/"
echo "bench $(date +%s%N)" > "$W/changed.txt"; (cd "$W" && jar uf agent/kubermesh-cli.jar changed.txt)
build "agent jar changed" "$CACHE" "$W/agent/kubermesh-cli.jar"
echo
echo "sizes:"
for f in usb.img netboot/kubermesh/vmlinuz netboot/kubermesh/initrd.img; do
  printf '  %-32s %8.1f MiB\n' "$f" "$(echo "$(stat -c %s "$W/out/$f") / 1048576" | bc -l)"
done
printf '  %-32s %8.1f MiB (goal < 150)\n' "netboot kernel + initrd" "$(echo "($(stat -c %s "$W/out/netboot/kubermesh/vmlinuz") + $(stat -c %s "$W/out/netboot/kubermesh/initrd.img")) / 1048576" | bc -l)"
for l in root java loaders agent; do
  size=$(grep -A3 "\"name\" : \"$l\"" "$W/out/manifest.json" | grep -o '"size" : [0-9]*' | grep -o '[0-9]*$')
  printf '  layer %-26s %8.1f MiB\n' "$l" "$(echo "$size / 1048576" | bc -l)"
done
echo "  packages: $(grep -c '"architecture"' "$W/out/manifest.json")"
