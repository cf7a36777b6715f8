# Sourced by ./kubermesh and ./scripts/test: installs the Debian packages a command lacks.
# Packages are installed with their services kept stopped (a temporary policy-rc.d): kubermesh
# starts every daemon it needs itself, inside its own network namespaces.

# What the CLI and the lab (`./kubermesh up`) need, and `kubermesh image build` (mmdebstrap for the root,
# zstd for the initrd layers, dosfstools/mtools/fdisk/e2fsprogs for usb.img without loop devices, kmod's depmod).
KUBERMESH_RUN_PACKAGES=(openjdk-17-jdk-headless maven iproute2 procps util-linux dash iputils-ping frr bird2
  mmdebstrap zstd dosfstools mtools fdisk e2fsprogs kmod etcd-server ipxe)
# What `up --substrate libvirt` needs on top (VMs with UEFI firmware); ./kubermesh installs them only
# when a command asks for that substrate, and the libvirt provider's checkEnvironment names them.
# (mount and coreutils for the mount namespace libvirtd gets where /dev/kvm is root-only: installed on
# every Debian system, listed so HostRequirements.LIBVIRT_PROGRAMS is checked against this list.)
KUBERMESH_LIBVIRT_PACKAGES=(libvirt-daemon-system libvirt-clients qemu-system-x86 ovmf util-linux mount coreutils)
# What `image build --ipxe-source DIR` needs on top to compile iPXE (HostRequirements.IPXE_BUILD_PROGRAMS
# and LZMA_HEADER); ./kubermesh installs them only when a command names --ipxe-source.
KUBERMESH_IPXE_BUILD_PACKAGES=(make gcc perl-base liblzma-dev)
# What the whole test suite needs on top: real clients, daemons and firmware the ITs talk to.
KUBERMESH_TEST_PACKAGES=(isc-dhcp-client tftp-hpa tftpd-hpa atftp curl tcpdump frr bird2 dnsmasq-base
  nginx-light qemu-system-x86 ovmf ipxe ipxe-qemu etcd-server etcd-client kea-admin iptables
  busybox-static cpio kmod libvirt-daemon-system libvirt-clients dosfstools mtools
  openipmi ipmitool redfishtool python3-sushy python3 make gcc perl-base liblzma-dev)

# ensure_packages PKG... : installs those not installed, saying which; exit 3 if that is impossible.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "kubermesh: missing Debian packages: ${missing[*]}" >&2
    echo "kubermesh: run as root, or install them: apt-get install -y ${missing[*]}" >&2
    exit 3
  fi
  echo "kubermesh: installing missing Debian packages: ${missing[*]}" >&2
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created=1
  fi
  local rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } || rc=$?
  [ $created -eq 1 ] && rm -f "$policy"
  if [ $rc -ne 0 ]; then
    echo "kubermesh: apt-get install failed (exit $rc) for: ${missing[*]}" >&2
    exit 3
  fi
}
