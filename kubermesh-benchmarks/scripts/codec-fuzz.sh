#!/usr/bin/env bash
# Mutation fuzzing of the wire codecs (issue 15): INPUTS (default 1,000,000) mutated packets each
# through DHCPv6, TFTP, ND (kubermesh-boot) and rtnetlink (kubermesh-routing); every input either
# is malformed or decodes to a message that re-encodes to an equivalent packet. Prints the count,
# the inputs that decoded, the malformed ones and any crash with its input. Exit 1 on a crash.
# Run from the repository root; builds the test classes first (no install).
set -euo pipefail
INPUTS=${1:-1000000}
SEED=${2:-$(date +%s)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -B -q -pl kubermesh-boot,kubermesh-routing -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz.cp -Dmdep.includeScope=test
status=0
java -cp "$ROOT/kubermesh-boot/target/test-classes:$ROOT/kubermesh-boot/target/classes:$(cat kubermesh-boot/target/fuzz.cp)" \
  io.kubermesh.boot.fuzz.BootCodecFuzz "$INPUTS" "$SEED" || status=1
java -cp "$ROOT/kubermesh-routing/target/test-classes:$ROOT/kubermesh-routing/target/classes:$(cat kubermesh-routing/target/fuzz.cp)" \
  io.kubermesh.routing.netlink.NetlinkCodecFuzz "$INPUTS" "$SEED" || status=1
exit $status
