#!/bin/sh
# The chassis of an emulated BMC: a qemu VM (SeaBIOS, no disk, one NIC on an unconnected hub, its
# serial console on a loopback TCP port) started and stopped on request. Both BMC emulators use
# it: ipmi_sim runs it as its `chassis_control` program, the Redfish emulator runs it for
# ComputerSystem.Reset. Protocol (ipmi_sim's, see OpenIPMI lanserv/ipmi_sim_chassiscontrol):
#
#   qemu-chassis.sh DIR get PARM...          prints PARM:VALUE per line (power, boot)
#   qemu-chassis.sh DIR set PARM VALUE...    power 0|1, shutdown 1, reset 1, boot none|pxe|default
#
# DIR holds chassis.conf (NAME=, MAC=, SERIAL_PORT=, SERIAL_WAIT=on|off: on holds the VM until a
# console client connects, so ipmi_sim's SOL sees the boot from its first byte; optionally TAP= and
# NETNS=: the NIC is then the existing tap TAP of the network namespace NETNS (a port of the machine
# the VM is cabled to), opened there and handed to qemu, which itself stays in this namespace where
# ipmi_sim reaches its serial port). A machine that runs a real OS sets FIRMWARE=uefi (OVMF, q35,
# a virtio NIC without option ROM, its variable store VARS=, a copy the caller made), MEMORY= (MiB,
# 64 by default), SMP=, ACCEL=tcg|kvm, DISK= (a raw file: a virtio disk), and a second NIC cabled to
# another VM: NIC1_MAC=, NIC1_LOCAL= and NIC1_REMOTE= (the two ends' datagram sockets). Under OVMF
# the one-time boot device orders the boot options for that start: pxe puts port 0 first, else the
# disk comes first (an installed machine boots it; a blank disk falls through to the network).
# The serial console is also written to console.log. The state
# this script keeps: qemu.pid, boot
# (a pending one-time boot device), starts.log (one line per start with its -boot argument),
# monitor (the qemu monitor socket), qemu.log. ipmi_sim is single-threaded and reads this
# script's standard output to its end, so qemu never inherits it and nothing here blocks.
set -u
dir=$1
op=$2
shift 2
. "$dir/chassis.conf"
pidfile="$dir/qemu.pid"

alive() {
    [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

monitor() {
    /usr/bin/python3 - "$dir/monitor" "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
time.sleep(0.1)
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.2)
s.close()
PY
}

start() {
    alive && return 0
    once=""
    boot=$(cat "$dir/boot" 2>/dev/null || echo none)
    case $boot in
        pxe) once=",once=n" ;;
        default) once=",once=c" ;;
    esac
    rm -f "$dir/boot" "$pidfile"
    # 0x3f8 little-endian: SeaBIOS copies its screen to COM1 (sercon), so the console shows the boot.
    printf '\370\003' > "$dir/sercon"
    echo "boot=${boot}" >> "$dir/starts.log"
    netdev="hubport,id=n0,hubid=0"
    wrap=""
    if [ -n "${TAP:-}" ]; then
        netdev="tap,id=n0,fd=3"
        wrap="/usr/bin/python3 $dir/tap-open.py ${NETNS:-/proc/self/ns/net} $TAP"
        cat > "$dir/tap-open.py" <<'PY'
# Opens tap argv[2] inside namespace argv[1] as fd 3, returns to our namespace, runs argv[3:].
import ctypes, fcntl, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
there = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(there, 0x40000000) != 0:
    sys.exit("setns " + sys.argv[1] + ": " + os.strerror(ctypes.get_errno()))
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, 0x400454ca, struct.pack("16sH", sys.argv[2].encode(), 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP|IFF_NO_PI
libc.setns(home, 0x40000000)
os.dup2(tun, 3)
os.execvp(sys.argv[3], sys.argv[3:])
PY
    fi
    serial="socket,id=s0,host=127.0.0.1,port=$SERIAL_PORT,server=on,wait=$SERIAL_WAIT,logfile=$dir/console.log,logappend=on"
    if [ "${FIRMWARE:-bios}" = uefi ]; then
        if [ "$boot" = pxe ]; then nic0=1 disk=2; else disk=1 nic0=2; fi
        machine="-machine q35,accel=${ACCEL:-tcg} -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
        machine="$machine -drive if=pflash,format=raw,file=$VARS"
        # The BIOS settings docs/baremetal.md asks for: network boot over IPv6 only (no IPv4 PXE first).
        machine="$machine -fw_cfg name=opt/org.tianocore/IPv4Support,string=n -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n"
        nics="-device virtio-net-pci,netdev=n0,mac=$MAC,romfile=,bootindex=$nic0"
        [ -n "${DISK:-}" ] && machine="$machine -drive if=none,id=d0,format=raw,file=$DISK -device virtio-blk-pci,drive=d0,bootindex=$disk"
        [ -n "${NIC1_MAC:-}" ] && nics="$nics -netdev dgram,id=n1,local.type=unix,local.path=$NIC1_LOCAL,remote.type=unix,remote.path=$NIC1_REMOTE -device virtio-net-pci,netdev=n1,mac=$NIC1_MAC,romfile=,bootindex=3"
        bootargs=""
    else
        machine="-machine pc,accel=${ACCEL:-tcg} -fw_cfg name=etc/sercon-port,file=$dir/sercon"
        nics="-device e1000,netdev=n0,mac=$MAC"
        [ -n "${NIC1_MAC:-}" ] && nics="$nics -netdev dgram,id=n1,local.type=unix,local.path=$NIC1_LOCAL,remote.type=unix,remote.path=$NIC1_REMOTE -device e1000,netdev=n1,mac=$NIC1_MAC"
        bootargs="-boot reboot-timeout=2000$once"
    fi
    # shellcheck disable=SC2086
    $wrap qemu-system-x86_64 -name "$NAME" $machine -m "${MEMORY:-64}" -smp "${SMP:-1}" -display none -vga none \
        -netdev "$netdev" $nics $bootargs \
        -chardev "$serial" -serial chardev:s0 \
        -monitor "unix:$dir/monitor,server=on,wait=off" \
        -pidfile "$pidfile" -daemonize </dev/null >>"$dir/qemu.log" 2>&1 &
    # In the background: with SERIAL_WAIT=on qemu waits for ipmi_sim, which waits for this script.
    # The pidfile comes before that wait, so the power reads on as soon as the VM exists.
    i=0
    while [ ! -s "$pidfile" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

stop() {
    alive || { rm -f "$pidfile"; return 0; }
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$pidfile"
}

case $op in
    get)
        for parm in "$@"; do
            case $parm in
                power) if alive; then echo "power:1"; else echo "power:0"; fi ;;
                boot) echo "boot:$(cat "$dir/boot" 2>/dev/null || echo none)" ;;
                *) echo "Invalid parameter: $parm"; exit 1 ;;
            esac
        done
        ;;
    set)
        while [ $# -ge 2 ]; do
            parm=$1 val=$2
            shift 2
            case $parm in
                power) if [ "$val" = 1 ]; then start; else stop; fi ;;
                shutdown) alive && monitor system_powerdown ;;
                reset) alive && monitor system_reset ;;
                boot)
                    case $val in
                        none) rm -f "$dir/boot" ;;
                        pxe|default) echo "$val" > "$dir/boot" ;;
                        *) echo "Invalid boot value: $val"; exit 1 ;;
                    esac
                    ;;
                identify) ;;
                *) echo "Invalid parameter: $parm"; exit 1 ;;
            esac
        done
        ;;
    check) exit 1 ;;
    *) echo "Unknown operation: $op"; exit 1 ;;
esac
exit 0
