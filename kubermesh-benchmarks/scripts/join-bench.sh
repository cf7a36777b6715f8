#!/bin/sh
# A blank machine joining the netns lab (root): median time from its cable coming up (its firmware
# turning its NIC up: the neighbour sees carrier) to being reachable from every machine (and from
# power on), at 4, 8 and 16 machines (a line, the new machine plugged
# into the far end, replaced REPS times), each protocol step's share from the console's instants,
# the agent's RSS. Namespaces kmchb-*, removed at the end (failure included).
# Usage: kubermesh-benchmarks/scripts/join-bench.sh [sizes] [repetitions, 1-20] [daemons]
#   e.g. join-bench.sh 4,8,16 3 frr        join-bench.sh 4,8 3 frr,bird (BIRD/FRR ratio)
#   a size N is a line of N machines (the joiner at its far end); RxC a grid of R*C machines and
#   the joiner at the corner opposite the gateway (join-bench.sh 32,4x8,64,8x8 1 frr)
# AGENT_JAVA_OPTS overrides the agent JVM's options (default: those `kubermesh up` uses);
# ARCHIVE=0 runs the agents without the class archive `kubermesh up` makes and uses.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 3; }
for b in /usr/lib/frr/zebra /usr/sbin/bird /usr/bin/ping /usr/bin/nsenter; do
  [ -x "$b" ] || { echo "$b missing: apt-get install -y frr bird2 iputils-ping util-linux" >&2; exit 3; }
done
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -pl kubermesh-cli,kubermesh-benchmarks -am package -DskipTests
CLI="$ROOT/kubermesh-cli/target/kubermesh-cli.jar"
# A machine is a JVM on the CLI's class path running the netns machine entry point, as `kubermesh up` starts it.
JAVA=$(readlink -f "$(command -v java)")
# As MachineLauncher.plainCommand() has them.
AGENT="$JAVA ${AGENT_JAVA_OPTS:--Xmx96m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData} -cp $CLI io.kubermesh.provider.netns.machine.NetnsMachine"
LAB=/tmp/kmchb-join
rm -rf "$LAB"
# The lab's directory goes at the end too, failure included (the lab itself removes its namespaces).
trap 'rm -rf "$LAB"' EXIT
java -cp kubermesh-benchmarks/target/benchmarks.jar io.kubermesh.benchmarks.lab.JoinBenchmark "$AGENT" "${1:-4,8,16}" \
  "${2:-3}" "${3:-frr}" "$LAB" "$([ "${ARCHIVE:-1}" = 1 ] && echo archive || echo plain)"
