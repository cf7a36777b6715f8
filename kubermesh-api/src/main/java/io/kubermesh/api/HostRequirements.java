package io.kubermesh.api;

import java.nio.file.Path;
import java.util.List;

/**
 * The one registry of what kubermesh needs from a host: every external program it runs (each
 * launched through a {@link CommandLine} made from these constants), the boot loader files it
 * serves, the kernel features and root. {@code PackageSetTest} enumerates {@link #PROGRAMS} and
 * checks each package is among those {@code ./kubermesh} installs; a source scan fails the build
 * when a process is started any other way. Components say which of these they need
 * ({@code RoutingDaemonProvider.requirements()}, {@code Preflight} in the agent).
 */
public final class HostRequirements {
    /** Where Debian's {@code ipxe} package puts the boot loaders every node serves over TFTP and HTTP. */
    public static final Path IPXE_DIRECTORY = Path.of("/usr/lib/ipxe");
    public static final String IPXE_PACKAGE = "ipxe";

    public static final Requirement.Program ZEBRA = new Requirement.Program("zebra", "/usr/lib/frr/zebra", "frr",
            "routing daemon frr (zebra: kernel routes)");
    public static final Requirement.Program BFDD = new Requirement.Program("bfdd", "/usr/lib/frr/bfdd", "frr",
            "routing daemon frr (bfdd: fast failure detection)");
    public static final Requirement.Program OSPF6D = new Requirement.Program("ospf6d", "/usr/lib/frr/ospf6d", "frr",
            "routing daemon frr (ospf6d: OSPFv3)");
    public static final Requirement.Program VTYSH = new Requirement.Program("vtysh", "vtysh", "frr",
            "routing daemon frr (vtysh: reconfiguration and read-back)");
    public static final Requirement.Program BIRD = new Requirement.Program("bird", "bird", "bird2",
            "routing daemon bird");
    public static final Requirement.Program ETCD = new Requirement.Program("etcd", "/usr/bin/etcd", "etcd-server",
            "the etcd member of the control plane");
    public static final Requirement.Program NSENTER = new Requirement.Program("nsenter", "nsenter", "util-linux",
            "running a program inside a machine's network namespace");
    public static final Requirement.Program SETSID = new Requirement.Program("setsid", "setsid", "util-linux",
            "starting a lab machine's agent in a session of its own");
    public static final Requirement.Program IP = new Requirement.Program("ip", "ip", "iproute2",
            "the bare-metal substrate's gateway ports: taps (ip tuntap), or this host's NICs moved into its namespace (ip -j link, addr, route)");
    /** The netns lab's service manager stand-in: a shell loop that restarts a dead agent (Restart=always). */
    public static final Requirement.Program SH = new Requirement.Program("sh", "/bin/sh", "dash",
            "supervising a lab machine's agent (restarted as systemd would)");
    public static final Requirement.Program PING = new Requirement.Program("ping", "ping", "iputils-ping",
            "the lab's reachability probe");
    /** The JVM that runs the lab's agents: this process's own {@code java.home} (see {@link Requirement.Program}). */
    public static final Requirement.Program JAVA = new Requirement.Program("java", "java", "openjdk-17-jdk-headless",
            "the lab machines' agents (a JVM each)");

    /**
     * The libvirt substrate's daemons, started when no service manager runs them. Not in
     * {@link #PROGRAMS}: their packages are installed only for {@code --substrate libvirt}
     * ({@code KUBERMESH_LIBVIRT_PACKAGES} in {@code scripts/setup.sh}).
     */
    public static final Requirement.Program LIBVIRTD = new Requirement.Program("libvirtd", "/usr/sbin/libvirtd",
            "libvirt-daemon-system", "the libvirt substrate's daemon");
    public static final Requirement.Program VIRTLOGD = new Requirement.Program("virtlogd", "/usr/sbin/virtlogd",
            "libvirt-daemon-system", "the log daemon libvirt's qemu domains write their consoles through");
    /** qemu itself, run for a few seconds to learn whether KVM on this host can run OVMF at all. */
    public static final Requirement.Program QEMU = new Requirement.Program("qemu", "qemu-system-x86_64",
            "qemu-system-x86", "the libvirt substrate's probe of KVM with the UEFI firmware");
    /** A mount namespace of libvirtd's own, where a {@code /dev/kvm} its qemu user cannot open is hidden. */
    public static final Requirement.Program UNSHARE = new Requirement.Program("unshare", "unshare", "util-linux",
            "starting libvirtd in a mount namespace without an unusable /dev/kvm");
    /** The whiteout that hides it, in that namespace's overlay of {@code /dev}. */
    public static final Requirement.Program MKNOD = new Requirement.Program("mknod", "mknod", "coreutils",
            "hiding an unusable /dev/kvm from libvirtd (an overlay whiteout)");
    /** Unmounting the host's {@code /dev} in that namespace, under the overlay. */
    public static final Requirement.Program UMOUNT = new Requirement.Program("umount", "umount", "mount",
            "moving the host's /dev aside in libvirtd's own mount namespace");
    public static final List<Requirement.Program> LIBVIRT_PROGRAMS = List.of(LIBVIRTD, VIRTLOGD, QEMU, UNSHARE, MKNOD, UMOUNT);

    /**
     * The programs {@code image build} runs on the building host. Not in {@link #PROGRAMS} (the
     * lab never runs them), but their packages are in {@code KUBERMESH_RUN_PACKAGES} too, since
     * {@code ./kubermesh image build} is a main job.
     */
    public static final Requirement.Program MMDEBSTRAP = new Requirement.Program("mmdebstrap", "mmdebstrap",
            "mmdebstrap", "the node image's Debian root (image build)");
    public static final Requirement.Program ZSTD = new Requirement.Program("zstd", "zstd", "zstd",
            "compressing the node image's initrd layers (image build)");
    public static final Requirement.Program DPKG_QUERY = new Requirement.Program("dpkg-query", "dpkg-query", "dpkg",
            "listing the node image's packages (image build)");
    public static final Requirement.Program DEPMOD = new Requirement.Program("depmod", "depmod", "kmod",
            "the node image's kernel module index (image build)");
    public static final Requirement.Program MCOPY = new Requirement.Program("mcopy", "mcopy", "mtools",
            "filling the USB image's EFI partition (image build)");
    public static final Requirement.Program SFDISK = new Requirement.Program("sfdisk", "sfdisk", "fdisk",
            "partitioning the USB image, and a node's install disk");
    public static final Requirement.Program MKFS_VFAT = new Requirement.Program("mkfs-vfat", "mkfs.vfat", "dosfstools",
            "the EFI partition of the USB image, and of a node's install disk");
    public static final Requirement.Program MKFS_EXT4 = new Requirement.Program("mkfs-ext4", "mkfs.ext4", "e2fsprogs",
            "the data partition of the USB image, and of a node's install disk");
    /** Run from the JDK that {@code image build} finds ({@link Requirement.Program#at}), not from PATH. */
    public static final Requirement.Program JLINK = new Requirement.Program("jlink", "jlink", "openjdk-17-jdk-headless",
            "the node image's Java runtime (image build)");
    public static final List<Requirement.Program> IMAGE_BUILD_PROGRAMS = List.of(MMDEBSTRAP, ZSTD, DPKG_QUERY, DEPMOD,
            MCOPY, SFDISK, MKFS_VFAT, MKFS_EXT4, JLINK);

    /**
     * What {@code image build --ipxe-source DIR} runs to build kubermesh's IPv6-first iPXE from an
     * iPXE source tree; only that option needs them, so they are not in {@code KUBERMESH_RUN_PACKAGES}
     * and a build that needs one names its package.
     */
    public static final Requirement.Program MAKE = new Requirement.Program("make", "make", "make",
            "building iPXE from its source (image build --ipxe-source)");
    public static final Requirement.Program GCC = new Requirement.Program("gcc", "gcc", "gcc",
            "compiling iPXE (image build --ipxe-source)");
    public static final Requirement.Program PERL = new Requirement.Program("perl", "perl", "perl-base",
            "iPXE's build scripts (image build --ipxe-source)");
    public static final List<Requirement.Program> IPXE_BUILD_PROGRAMS = List.of(MAKE, GCC, PERL);
    /** iPXE's zbin, which compresses the BIOS loaders, includes it. */
    public static final Requirement.File LZMA_HEADER = new Requirement.File(Path.of("/usr/include/lzma.h"), "liblzma-dev",
            "compressing iPXE's BIOS loaders (image build --ipxe-source)");

    /**
     * What {@code image node-setup} runs on a booted node (with {@link #IP}, {@link #SFDISK},
     * {@link #MKFS_VFAT} and {@link #MKFS_EXT4}): programs of the node image, whose packages the
     * image recipe installs, not the building host.
     */
    public static final Requirement.Program HOSTNAME = new Requirement.Program("hostname", "hostname", "hostname",
            "a node's host name (node setup)");
    public static final Requirement.Program SYSTEMCTL = new Requirement.Program("systemctl", "systemctl", "systemd",
            "starting a node's units (node setup)");
    public static final Requirement.Program E2FSCK = new Requirement.Program("e2fsck", "e2fsck", "e2fsprogs",
            "checking a node's data partition before mounting it (node setup)");
    public static final Requirement.Program MOUNT = new Requirement.Program("mount", "mount", "mount",
            "mounting a node's partitions (node setup)");
    public static final Requirement.Program WIPEFS = new Requirement.Program("wipefs", "wipefs", "util-linux",
            "clearing a node's install disk (node setup)");
    public static final Requirement.Program UDEVADM = new Requirement.Program("udevadm", "udevadm", "udev",
            "waiting for a node's new partitions (node setup)");
    public static final Requirement.Program SYNC = new Requirement.Program("sync", "sync", "coreutils",
            "flushing a node's installed disk (node setup)");
    public static final List<Requirement.Program> NODE_SETUP_PROGRAMS = List.of(IP, HOSTNAME, SYSTEMCTL, E2FSCK, MOUNT,
            WIPEFS, SFDISK, UDEVADM, MKFS_VFAT, MKFS_EXT4, SYNC);

    /** Every external program kubermesh runs. */
    public static final List<Requirement.Program> PROGRAMS = List.of(ZEBRA, BFDD, OSPF6D, VTYSH, BIRD, ETCD, NSENTER,
            SETSID, SH, PING, JAVA, IP);

    public static final Requirement.Root ROOT = new Requirement.Root(
            "network namespaces, links, addresses and raw sockets");
    /** The stub interface: a dummy link, or an ifb where the kernel has no dummy (ARCHITECTURE.md). */
    public static final Requirement.KernelFeature STUB_LINK = new Requirement.KernelFeature("a dummy or ifb link",
            List.of("dummy", "ifb"), List.of(), "the stub interface holding the host and anycast /128s");
    public static final Requirement.KernelFeature NETWORK_NAMESPACES = new Requirement.KernelFeature(
            "network namespaces", List.of(), List.of(Path.of("/proc/self/ns/net")), "the lab's machines");
    public static final Requirement.KernelFeature VETH = new Requirement.KernelFeature("veth links", List.of("veth"),
            List.of(), "the lab's cables");

    /** What the lab itself needs on top of its machines' components (its launcher, probe and cables). */
    public static final List<Requirement> LAB = List.of(ROOT, NETWORK_NAMESPACES, VETH, NSENTER, SETSID, SH, PING, JAVA);

    private HostRequirements() {
    }

    /** A boot loader file the boot services hand out, from the TFTP root (the {@code ipxe} package's for the default root). */
    public static Requirement.File bootLoader(Path tftpRoot, String file) {
        return new Requirement.File(tftpRoot.resolve(file), IPXE_PACKAGE, "the boot loader the boot services hand out");
    }
}
