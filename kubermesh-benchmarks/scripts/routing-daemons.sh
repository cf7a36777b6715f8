#!/bin/sh
# FRR and BIRD side by side on network-namespace meshes (root): start to full routing at 6 and 16
# nodes, carrier loss and silent failure to rerouted with a 10 ms probe, RSS per node. Medians.
# Usage: kubermesh-benchmarks/scripts/routing-daemons.sh [repetitions]
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 3; }
for b in /usr/lib/frr/zebra /usr/sbin/bird /usr/bin/busybox /usr/bin/ping; do
  [ -x "$b" ] || { echo "$b missing: apt-get install -y frr bird2 busybox-static iputils-ping" >&2; exit 3; }
done
mvn -B -q -pl kubermesh-benchmarks -am package -DskipTests
exec java -cp kubermesh-benchmarks/target/benchmarks.jar io.kubermesh.benchmarks.routing.RoutingDaemonBenchmark "${1:-5}"
