package io.kubermesh.image.build;

import io.kubermesh.boot.machine.ClusterProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * The node OS's own configuration, the same on every node and free of any cluster or secret (the
 * netboot image is public): the {@code kubermesh} command, the units that set the node up and
 * start the agent, the port naming, services the agent runs itself masked, logs kept in memory.
 * Golden-tested in {@code NodeFilesTest}.
 */
public final class NodeFiles {
    public static final String STATE = io.kubermesh.image.node.NodeLayout.STATE;
    public static final String LOADERS = "/usr/lib/ipxe";
    /** Units whose daemons the agent starts and supervises itself; their packages enable them, the image masks them. */
    static final List<String> MASKED = List.of("frr.service", "bird.service", "etcd.service", "e2scrub_reap.service",
            "e2scrub_all.timer", "fstrim.timer", "systemd-networkd.service", "systemd-networkd-wait-online.service");

    private NodeFiles() {
    }

    public static List<OsFile> all() {
        List<OsFile> f = new ArrayList<>();
        // The root is the initramfs: the kernel runs /init, which is systemd as the real init (no
        // /etc/initrd-release, so systemd does not take itself for an initrd and switch root).
        f.add(OsFile.symlink("/init", "/usr/lib/systemd/systemd"));
        f.add(OsFile.file("/usr/bin/kubermesh", 0755, String.join("\n",
                "#!/bin/sh",
                "# The kubermesh CLI on a node: the agent and the node setup run through it.",
                "exec /" + JavaRuntime.HOME + "/bin/java ${KUBERMESH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
                        + " -jar /" + AgentPayload.HOME + "/kubermesh-cli.jar \"$@\"", "")));
        f.add(OsFile.file("/usr/lib/systemd/system/kubermesh-setup.service", 0644, String.join("\n",
                "[Unit]",
                "Description=kubermesh node setup: data partition, Ignition config, install to disk",
                "After=systemd-udevd.service systemd-udev-trigger.service local-fs.target",
                "Before=kubermesh-agent.service",
                "",
                "[Service]",
                "Type=oneshot",
                "RemainAfterExit=yes",
                "ExecStartPre=/usr/bin/udevadm settle --timeout=60",
                "ExecStart=/usr/bin/kubermesh image node-setup",
                "StandardOutput=journal+console",
                "StandardError=journal+console",
                "",
                "[Install]",
                "WantedBy=multi-user.target", "")));
        f.add(OsFile.file("/usr/lib/systemd/system/kubermesh-agent.service", 0644, String.join("\n",
                "[Unit]",
                "Description=kubermesh agent",
                "",
                "[Service]",
                "ExecStart=/usr/bin/kubermesh agent --config " + ClusterProfile.CLUSTER_FILE + " --state " + STATE,
                "Restart=always",
                "",
                "[Install]",
                "WantedBy=multi-user.target", "")));
        // A drop-in applies whichever file defines the unit: the image's, or one an Ignition config wrote to /etc.
        f.add(OsFile.file("/usr/lib/systemd/system/kubermesh-agent.service.d/10-node.conf", 0644, String.join("\n",
                "[Unit]",
                "After=kubermesh-setup.service",
                "Wants=kubermesh-setup.service",
                "StartLimitIntervalSec=0",
                "",
                "[Service]",
                "Environment=" + io.kubermesh.agent.NodeSetupResult.ENV + "=" + io.kubermesh.agent.NodeSetupResult.NODE_OS_FILE,
                "RestartSec=3",
                "StandardOutput=journal+console",
                "StandardError=journal+console", "")));
        f.add(OsFile.symlink("/etc/systemd/system/multi-user.target.wants/kubermesh-setup.service",
                "/usr/lib/systemd/system/kubermesh-setup.service"));
        f.add(OsFile.symlink("/etc/systemd/system/multi-user.target.wants/kubermesh-agent.service",
                "/usr/lib/systemd/system/kubermesh-agent.service"));
        for (String unit : MASKED) {
            f.add(OsFile.symlink("/etc/systemd/system/" + unit, "/dev/null"));
        }
        f.add(OsFile.file("/etc/udev/rules.d/70-kubermesh-ports.rules", 0644, String.join("\n",
                "# kubermesh: every physical NIC is a mesh port, clusterN, N its place in PCI-path order.",
                "SUBSYSTEM==\"net\", ACTION==\"add\", DEVPATH==\"/devices/pci*\", KERNEL!=\"cluster*\", "
                        + "PROGRAM=\"/usr/lib/kubermesh/port-name %k\", NAME=\"%c\"", "")));
        f.add(OsFile.file("/usr/lib/kubermesh/port-name", 0755, PORT_NAME));
        f.add(OsFile.file("/etc/hostname", 0644, "kubermesh\n"));
        f.add(OsFile.file("/etc/hosts", 0644, io.kubermesh.image.node.NodeSetup.hosts("kubermesh")));
        f.add(OsFile.file("/etc/fstab", 0644, "# kubermesh: the root is the initramfs; kubermesh-setup mounts the disk.\n"));
        f.add(OsFile.file("/etc/systemd/journald.conf.d/kubermesh.conf", 0644, String.join("\n",
                "# The root lives in memory: keep the journal there, bounded.",
                "[Journal]", "Storage=volatile", "RuntimeMaxUse=64M", "")));
        f.add(OsFile.file("/etc/systemd/logind.conf.d/kubermesh.conf", 0644, String.join("\n",
                "# The power button (a BMC's soft off) shuts the node down in order; nothing suspends a node",
                "# (a sleep key, a lid): a suspended node drops out of the mesh.",
                "[Login]", "HandlePowerKey=poweroff", "HandleSuspendKey=ignore", "HandleHibernateKey=ignore",
                "HandleLidSwitch=ignore", "HandleLidSwitchExternalPower=ignore", "HandleLidSwitchDocked=ignore", "")));
        f.add(OsFile.file("/etc/issue", 0644, "kubermesh node \\n (no login: every account is locked)\n\n"));
        return List.copyOf(f);
    }

    /**
     * Prints {@code clusterN} for the NIC named {@code $1}: N is the place of its PCI function among
     * every PCI network controller (class 0x02), taken from enumeration whether or not a driver has
     * bound yet, so the order does not depend on which driver loads first; NICs off PCI (USB) come
     * after them, in device path order.
     */
    static final String PORT_NAME = String.join("\n",
            "#!/bin/sh",
            "# kubermesh: the mesh port name of NIC $1 (ARCHITECTURE.md, \"The node OS\"). SYSFS is for tests.",
            "# udev runs this once per NIC at every boot: shell builtins where they do, and a fixed few",
            "# programs (readlink, sort) however many PCI devices there are.",
            "set -eu",
            "sys=${SYSFS:-/sys}",
            "export LC_ALL=C",
            "nics() {",
            "  set --",
            "  for d in \"$sys\"/bus/pci/devices/*; do",
            "    read -r class < \"$d/class\" || class=",
            "    case $class in 0x02*) set -- \"$@\" \"$d\";; esac",
            "  done",
            "  if [ $# -gt 0 ]; then readlink -f \"$@\" | sort; fi",
            "}",
            "pcis=$(nics)",
            "dev=$(readlink -f \"$sys/class/net/$1/device\")",
            "i=0",
            "for pci in $pcis; do",
            "  case \"$dev/\" in \"$pci\"/*) echo \"cluster$i\"; exit 0;; esac",
            "  i=$((i + 1))",
            "done",
            "# not on a PCI NIC (a USB one): after them, in device path order",
            "set --",
            "for n in \"$sys\"/class/net/*; do",
            "  if [ -e \"$n/device\" ]; then set -- \"$@\" \"$n/device\"; fi",
            "done",
            "for other in $(readlink -f \"$@\" | sort); do",
            "  [ \"$other\" = \"$dev\" ] && { echo \"cluster$i\"; exit 0; }",
            "  on_pci=0",
            "  for pci in $pcis; do case \"$other/\" in \"$pci\"/*) on_pci=1;; esac; done",
            "  [ $on_pci -eq 1 ] || i=$((i + 1))",
            "done",
            "exit 1", "");
}
