package io.kubermesh.image.build;

import java.util.List;

/**
 * What the node's root filesystem is made of: a Debian suite and its archives, the packages, what
 * dpkg leaves out, and which kernel modules stay. Its {@link #describe()} text is part of the root
 * layer's cache key, so changing any of it rebuilds the root and nothing else does.
 *
 * @param suite the Debian release ({@code bookworm})
 * @param sources apt source lines mmdebstrap reads (main, security and updates)
 * @param packages what mmdebstrap installs on top of the Essential set, with their dependencies
 * @param dpkgExcludes paths dpkg never unpacks (documentation, and the kernel hook that would make
 *     an initramfs-tools initrd nobody boots)
 * @param modules kernel module paths (below {@code kernel/}, prefix match) kept with everything they
 *     depend on; every other module is removed to keep the netboot image small
 * @param sourceDateEpoch the time every file of the image claims, for repeatable builds
 */
public record RootRecipe(String suite, List<String> sources, List<String> packages, List<String> dpkgExcludes,
                         List<String> modules, long sourceDateEpoch) {
    /** Bumped when the way the root is built changes in a way the fields above do not show. */
    public static final String VERSION = "kubermesh-root-1";

    public RootRecipe {
        sources = List.copyOf(sources);
        packages = List.copyOf(packages);
        dpkgExcludes = List.copyOf(dpkgExcludes);
        modules = List.copyOf(modules);
    }

    /** The node OS as shipped: Debian 12 from deb.debian.org. */
    public static RootRecipe bookworm() {
        return new RootRecipe("bookworm",
                List.of("deb http://deb.debian.org/debian bookworm main",
                        "deb http://deb.debian.org/debian bookworm-updates main",
                        "deb http://deb.debian.org/debian-security bookworm-security main"),
                PACKAGES, DPKG_EXCLUDES, MODULES, 1767225600L);
    }

    /**
     * The node's packages. systemd is the init (udev names the ports, units order setup before the
     * agent, journald keeps the logs); iproute2 for diagnosis; FRR and BIRD, the routing daemons the
     * agent drives; etcd-server, the store the agent runs; ipxe for Debian's loaders (the fallback
     * to ours); systemd-boot-efi, fdisk, dosfstools and e2fsprogs so a node can install itself on
     * its disk; linux-image-amd64 for the kernel and its modules; libstdc++6 for the JVM (libjvm.so
     * links it; the jlinked runtime brings everything else it loads); dbus, without which
     * systemd-logind does not run, and logind is what answers the power button (ACPI), so a BMC's
     * soft off shuts the node down in order (its agent withdraws its routes) instead of waiting
     * for the hard one. No openssh-server, no sudo, no apt: nothing logs in, and the image is
     * replaced, not upgraded.
     */
    public static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "udev", "kmod", "iproute2",
            "iputils-ping", "procps", "frr", "bird2", "etcd-server", "linux-image-amd64", "ipxe", "systemd-boot-efi",
            "fdisk", "dosfstools", "e2fsprogs", "libstdc++6", "dbus");

    public static final List<String> DPKG_EXCLUDES = List.of("/usr/share/doc/*", "/usr/share/man/*",
            "/usr/share/locale/*", "/usr/share/info/*", "/usr/share/lintian/*", "/etc/kernel/postinst.d/initramfs-tools");

    /**
     * What a server needs: virtio (VMs), NVMe, SATA/AHCI and SAS disks, USB storage and keyboards,
     * the common 1-100 GbE NIC families (Intel, Realtek, Broadcom, Mellanox, Aquantia, Amazon
     * ENA, VMware), USB NICs, the whole network stack except radios, ext4/vfat/overlay; evdev, through
     * which logind hears the ACPI power button.
     */
    public static final List<String> MODULES = List.of(
            "arch/x86/crypto/", "crypto/", "lib/",
            "fs/ext4/", "fs/jbd2/", "fs/mbcache.ko", "fs/fat/", "fs/nls/", "fs/overlayfs/", "fs/fuse/", "fs/efivarfs/",
            "fs/squashfs/", "fs/isofs/", "fs/autofs/",
            "net/", "drivers/net/dummy.ko", "drivers/net/ifb.ko", "drivers/net/veth.ko", "drivers/net/tun.ko",
            "drivers/net/virtio_net.ko", "drivers/net/net_failover.ko", "drivers/net/macvlan.ko", "drivers/net/ipvlan/",
            "drivers/net/vxlan/", "drivers/net/geneve.ko", "drivers/net/wireguard/", "drivers/net/bonding/",
            "drivers/net/vmxnet3/", "drivers/net/usb/", "drivers/net/phy/", "drivers/net/mdio/", "drivers/net/pcs/",
            "drivers/net/ethernet/intel/", "drivers/net/ethernet/realtek/", "drivers/net/ethernet/broadcom/",
            "drivers/net/ethernet/mellanox/mlx4/", "drivers/net/ethernet/mellanox/mlx5/", "drivers/net/ethernet/mellanox/mlxfw/",
            "drivers/net/ethernet/aquantia/", "drivers/net/ethernet/amazon/",
            "drivers/virtio/", "drivers/block/virtio_blk.ko", "drivers/block/loop.ko", "drivers/block/nbd.ko",
            "drivers/nvme/", "drivers/ata/", "drivers/scsi/sd_mod.ko", "drivers/scsi/sr_mod.ko", "drivers/scsi/sg.ko",
            "drivers/scsi/virtio_scsi.ko", "drivers/scsi/scsi_transport_sas.ko", "drivers/scsi/mpt3sas/",
            "drivers/scsi/megaraid/", "drivers/usb/host/", "drivers/usb/storage/", "drivers/usb/class/",
            "drivers/hid/usbhid/", "drivers/hid/hid-generic.ko", "drivers/char/virtio_console.ko",
            "drivers/char/hw_random/virtio-rng.ko", "drivers/ptp/", "drivers/pps/", "drivers/dca/", "drivers/watchdog/",
            "drivers/firmware/", "drivers/md/dm-mod.ko", "drivers/acpi/", "drivers/input/evdev.ko");

    /** The text the root layer's cache key is computed from. */
    public String describe() {
        return String.join("\n", VERSION, "suite " + suite, "sources " + sources, "packages " + packages,
                "dpkg-excludes " + dpkgExcludes, "modules " + modules, "source-date-epoch " + sourceDateEpoch) + "\n";
    }
}
