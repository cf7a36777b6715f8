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
            "tap ports of the bare-metal substrate's gateway (ip tuntap)");
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
    public static final List<Requirement.Program> LIBVIRT_PROGRAMS = List.of(LIBVIRTD, VIRTLOGD);

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
