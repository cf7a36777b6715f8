#!/bin/bash
# The etcd failover gap through the mesh (root): the seed lab (namespaces kmetb-*) with etcd on
# gateway, kubermesh1 and kubermesh2; in kubermesh4 two write probes (one write every 50 ms each) run side by side, one at
# the etcd anycast address (kubermesh) and one with the three members' own client URLs, trying
# the next when one fails (the peer: an etcd client's endpoint list). Each round kills the
# member that answers kubermesh4's anycast writes, measures each probe's gap (last write before
# the kill to the first write after it), and revives the machine (within the grace period, so it
# takes its member up again). Prints each round and the medians with their ratio.
# Usage: kubermesh-benchmarks/scripts/etcd-anycast-failover.sh [rounds]   (probe runs only in the background: it execs)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 3; }
[ -x /usr/bin/etcd ] || { echo "etcd missing: apt-get install -y etcd-server" >&2; exit 3; }
rounds="${1:-5}"
mvn -B -q -pl kubermesh-cli,kubermesh-benchmarks -am package -DskipTests
work="$(mktemp -d /tmp/kmetb.XXXXXX)"; chmod 755 "$work"
lab="$work/lab"
cli() { java -jar kubermesh-cli/target/kubermesh-cli.jar "$@"; }
probes=()
cleanup() {
  for p in "${probes[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  cli down --lab "$lab" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
sed 's/name: lab/name: etb/' kubermesh-addressing/src/main/resources/io/kubermesh/addressing/config/seed.yaml > "$work/cluster.yaml"
cli up --lab "$lab" --config "$work/cluster.yaml" > "$work/up.log"
anycast="http://[fd65:7b9c:569:680:98eb:c508:ea6b:b0b2]:2379"
status() { cli status --lab "$lab" -o json; }
# Wait for three healthy voters.
for _ in $(seq 60); do
  n=$(status | python3 -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin) if m["etcd"] and m["etcd"]["healthy"] and m["etcd"]["role"]=="voter"))')
  [ "$n" = 3 ] && break; sleep 1
done
probe() { exec nsenter --net=/run/netns/kmetb-kubermesh4 java -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp kubermesh-benchmarks/target/benchmarks.jar io.kubermesh.benchmarks.controlplane.EtcdWriteProbe "$1"; }
gap() { # file killed-member-id kill-ms -> gap in ms
  python3 - "$1" "$2" "$3" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1])]
killed, at = sys.argv[2], int(sys.argv[3])
# The machine is revived only after the probes stop: every answer from the killed member came before the kill.
last = max([int(l[0]) for l in lines if l[1] == "ok" and l[2] == killed] or [at])
nxt = min([int(l[0]) for l in lines if l[1] == "ok" and l[2] != killed and int(l[0]) > last] or [0])
print(nxt - last if nxt else -1)
PY
}
a_gaps=(); e_gaps=()
for r in $(seq "$rounds"); do
  probe "$anycast" > "$work/a.$r" & pa=$!
  probes=("$pa")
  sleep 4
  id=$(awk '$2=="ok" {m=$3} END {print m}' "$work/a.$r")
  hex=$(python3 -c "print(format($id,'x'))")
  victim=$(status | python3 -c "import json,sys; print([m['name'] for m in json.load(sys.stdin) if m['etcd'] and m['etcd']['id']=='$hex'][0])")
  # The peer asks the same member first, and the others when it fails.
  list=$(status | python3 -c "import json,sys; ms=[m for m in json.load(sys.stdin) if m['etcd']]; ms.sort(key=lambda m: m['name']!='$victim'); print(','.join(m['etcd']['peerUrl'].replace(':2380',':2379') for m in ms))")
  probe "$list" > "$work/e.$r" & pe=$!
  probes=("$pa" "$pe")
  sleep 3
  eid=$(awk '$2=="ok" {m=$3} END {print m}' "$work/e.$r")
  t=$(date +%s%3N)
  cli kill --lab "$lab" "$victim" > /dev/null
  sleep 6
  kill "$pa" "$pe"; wait "$pa" "$pe" 2>/dev/null || true; probes=()
  ga=$(gap "$work/a.$r" "$id" "$t")
  # The endpoint-list probe sees a gap only if it was writing through the killed member.
  if [ "$eid" = "$id" ]; then ge=$(gap "$work/e.$r" "$id" "$t"); else ge="n/a"; fi
  echo "round $r: killed $victim: anycast gap ${ga} ms, endpoint-list gap ${ge} ms"
  a_gaps+=("$ga"); [ "$ge" != n/a ] && e_gaps+=("$ge")
  cli revive --lab "$lab" "$victim" > /dev/null
  for _ in $(seq 60); do
    n=$(status | python3 -c 'import json,sys; print(sum(1 for m in json.load(sys.stdin) if m["etcd"] and m["etcd"]["healthy"] and "etcd" in m["anycast"]))')
    [ "$n" = 3 ] && break; sleep 1
  done
done
python3 - "${a_gaps[*]}" "${e_gaps[*]:-}" <<'PY'
import statistics, sys
a = [int(x) for x in sys.argv[1].split() if int(x) >= 0]
e = [int(x) for x in sys.argv[2].split() if int(x) >= 0]
ma = statistics.median(a) if a else float("nan")
me = statistics.median(e) if e else float("nan")
print(f"median write gap after killing the nearest etcd member: anycast {ma:.0f} ms (n={len(a)}), "
      f"endpoint list {me:.0f} ms (n={len(e)}), ratio anycast/list {ma/me if e else float('nan'):.2f}")
PY
