#!/bin/sh
# FRR and BIRD side by side on network-namespace meshes (root): a new node's cables up to the node
# reachable from every other (10 ms probes), and an anycast holder's withdrawal (the verdict of a
# failed check) to the client's 10 ms probe answered by the other holder. Medians.
# Usage: kubermesh-benchmarks/scripts/routing-join-anycast.sh [repetitions] [sizes, default 6,16] [daemons, default frr,bird]
# DAD=1 keeps duplicate address detection on the ports (the kernel's default; the agent turns it off on mesh ports).
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 3; }
for b in /usr/lib/frr/zebra /usr/sbin/bird /usr/bin/busybox /usr/bin/ping /usr/bin/stdbuf; do
  [ -x "$b" ] || { echo "$b missing: apt-get install -y frr bird2 busybox-static iputils-ping coreutils" >&2; exit 3; }
done
mvn -B -q -pl kubermesh-benchmarks -am package -DskipTests
exec java -cp kubermesh-benchmarks/target/benchmarks.jar io.kubermesh.benchmarks.routing.JoinAndAnycastBenchmark "${1:-5}" "${2:-6,16}" "${3:-frr,bird}"
