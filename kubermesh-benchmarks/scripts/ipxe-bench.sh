#!/usr/bin/env bash
# Debian's iPXE against kubermesh's IPv6-first iPXE (issue 12). Builds the node image with
# `image build --ipxe-source SRC` (the root comes from the layer cache when it is there), checks the
# manifest says the loaders are kubermesh's, then boots OVMF by UEFI PXE over IPv6 with UefiPxeBootIT
# (kubermesh-boot), REPEAT times with Debian's loaders (/usr/lib/ipxe) and REPEAT times with the
# build's netboot/ipxe/, alternating, and prints each boot's timeline: TFTP of snponly.efi, iPXE's
# DHCPv6, GET /boot.ipxe, the kernel, the marker. The wait the build removes is between iPXE's
# DHCPv6 and boot.ipxe. UefiPxeBootIT's qemu runs TCG (QemuVm), so the times are TCG times.
# Usage: ipxe-bench.sh SRC   (an iPXE source tree: `apt-get source ipxe` with a deb-src line, or a
# checkout of iPXE). Needs root, make gcc perl-base liblzma-dev, qemu-system-x86 ovmf. Run from the
# repository root after: mvn -B -q -pl kubermesh-cli -am install -DskipTests
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${1:?usage: ipxe-bench.sh IPXE_SOURCE_DIR}
REPEAT=${REPEAT:-2}
JAR="$ROOT/kubermesh-cli/target/kubermesh-cli.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B -q -pl kubermesh-cli -am install -DskipTests" >&2; exit 3; }
W=$(mktemp -d /var/tmp/kmipxe-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; qemu TCG"
t0=$(date +%s.%N)
java -jar "$JAR" image build --ipxe-source "$SRC" --output "$W/out" --cache "${CACHE:-/var/cache/kubermesh/image}" \
  > "$W/build.log" 2>&1 || { cat "$W/build.log" >&2; exit 1; }
printf 'image build with --ipxe-source: %.1f s (%s)\n' "$(echo "$(date +%s.%N) - $t0" | bc)" \
  "$(grep -o 'image: loaders [a-z ]* in [0-9.]* s' "$W/build.log" | sed 's/image: //')"
grep -q '"loaders" : "kubermesh"' "$W/out/manifest.json" || { echo "manifest.json does not say kubermesh's loaders" >&2; exit 1; }
ls -l "$W/out/netboot/ipxe/" "$W/out/netboot/ipxe/debian/" | grep -E '\.(efi|kpxe|lkrn)$'
boot() { # label tftp-root
  echo; echo "== $1 ($2)"
  (cd "$ROOT" && mvn -B -o verify -pl kubermesh-boot -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
     -Dit.test=UefiPxeBootIT -Dfailsafe.failIfNoSpecifiedTests=false -Dkubermesh.ipxe.root="$2" > "$W/boot.log" 2>&1) \
    || { grep -E 'FAIL|ERROR|expected' "$W/boot.log" | head -20 >&2; exit 1; }
  sed -n '/UEFI PXE boot (/,/marker/p' "$W/boot.log"
}
for i in $(seq "$REPEAT"); do
  boot "Debian's iPXE, run $i" /usr/lib/ipxe
  boot "kubermesh's iPXE, run $i" "$W/out/netboot/ipxe"
done
