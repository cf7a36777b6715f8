package io.kubermesh.cli;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.NodeBoot;
import io.kubermesh.boot.PortBoot;
import io.kubermesh.boot.machine.Enrolment;
import io.kubermesh.boot.machine.MachineDirectory;
import io.kubermesh.boot.machine.ClusterProfile;
import io.kubermesh.boot.machine.ProfileCatalog;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubermesh boot serve}: router advertisements, DHCPv6 and TFTP on each given interface as
 * a mesh port of node {@code --identity}, and the HTTP boot server with the machine API, until
 * SIGTERM or SIGINT. Every exchange is logged on standard error, one line each.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves network boot (RA, DHCPv6, TFTP, HTTP) on the given interfaces as mesh ports of node MAC,",
                "until SIGTERM or SIGINT. Each interface gets its port's this-end /126 if it lacks it; it is removed",
                "on exit. Every exchange is logged on standard error, one line each."})
final class BootServeCommand implements Callable<Integer> {
    static final Path DEFAULT_TFTP_ROOT = Path.of("/usr/lib/ipxe");
    static final int TFTP_PORT = 69;
    /** How long to wait for the link-locals to leave duplicate address detection (about 1 s after carrier). */
    static final Duration LINK_LOCAL_PATIENCE = Duration.ofSeconds(5);

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--identity", paramLabel = "MAC", required = true, description = "The node's identity MAC.")
    String identity;

    @Option(names = "--interface", paramLabel = "IF[:PORT]", required = true,
            description = "Serve on IF as mesh port PORT (default: its position in the list); repeatable.")
    List<String> interfaces;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "/var/lib/kubermesh",
            description = "State: leases in DIR/boot/dhcp6/portI, machines in DIR/boot/machines (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--tftp-root", paramLabel = "DIR",
            description = "The TFTP root (default: /usr/lib/ipxe, from Debian's ipxe package).")
    Path tftpRoot;

    @Option(names = "--assets", paramLabel = "DIR", description = "Files served under /assets/ (default: STATE/boot/assets).")
    Path assets;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    /** What is running, closed in the reverse order of starting; then the addresses go. */
    private final List<AutoCloseable> running = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = command.commandLine().getErr();
        ClusterSpec spec = cluster.load();
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        MacAddress node = null;
        List<ServedPort> served = List.of();
        try {
            node = identity();
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        try {
            served = ServedPort.parse(interfaces, spec.layout().ports());
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        Path root = tftpRoot();
        try (Rtnetlink netlink = Rtnetlink.open()) {
            PortAddresses addresses = new PortAddresses(netlink, err);
            ServedPort.requireExisting(served, addresses.links());
            Privileges.requireNetworkAdmin("kubermesh boot serve");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(addresses, err);
                stopped.countDown();
            }, "boot-serve-shutdown"));
            try {
                start(spec, node, served, root, addresses, err);
            } catch (RuntimeException e) {
                stop(addresses, err);
                throw e;
            }
            stopped.await();
        }
        return 0;
    }

    private MacAddress identity() {
        MacAddress node = MacAddress.parse("--identity", identity);
        if (!node.isUsableIdentity()) {
            throw new ConfigurationException("--identity", identity, "a unicast MAC that is not all zeros");
        }
        return node;
    }

    private Path tftpRoot() {
        Path root = tftpRoot != null ? tftpRoot : DEFAULT_TFTP_ROOT;
        if (Files.isDirectory(root)) {
            return root;
        }
        if (tftpRoot != null) {
            throw new ConfigurationException("--tftp-root", tftpRoot.toString(),
                    "a directory with the iPXE binaries (Debian's ipxe package puts them in /usr/lib/ipxe)");
        }
        throw new EnvironmentException(DEFAULT_TFTP_ROOT + " (the iPXE binaries TFTP serves) is missing",
                "apt-get install -y ipxe");
    }

    private void start(ClusterSpec spec, MacAddress node, List<ServedPort> served, Path root, PortAddresses addresses,
                       PrintWriter err) throws java.io.IOException {
        AddressPlan plan = new AddressPlan(spec);
        for (ServedPort s : served) {
            addresses.ensure(s.interfaceName(), plan.port(node, s.index()));
        }
        Path boot = state.resolve("boot");
        Path assetDir = Files.createDirectories(assets != null ? assets : boot.resolve("assets"));
        NodeBoot services = NodeBoot.start(plan, node, new NodeBoot.Settings(boot, root, assetDir,
                new InetSocketAddress("::", spec.boot().httpPort()), catalog(spec, boot), Enrolment.OPEN,
                MachineDirectory.NONE));
        running.add(services);
        long deadline = System.nanoTime() + LINK_LOCAL_PATIENCE.toNanos();
        for (ServedPort s : served) {
            PortPrefix port = plan.port(node, s.index());
            Optional<InterfaceAddress> ll = addresses.linkLocal(s.interfaceName(),
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            PortBoot p = services.portUp(s.index(), s.interfaceName(), PortAddresses.tftpBinds(port, ll, TFTP_PORT));
            if (ll.isEmpty()) {
                err.println("kubermesh boot serve: " + s.interfaceName() + " has no usable link-local address yet (no"
                        + " carrier?): TFTP serves " + port.thisEnd() + " now and the link-local, like the router"
                        + " advertisements, once it appears");
                awaitLinkLocal(s, p, root, addresses, err);
            }
            err.println("kubermesh boot serve: port " + s.index() + " on " + s.interfaceName() + ": " + port.prefix()
                    + ", this end " + port.thisEnd() + ", DHCPv6 pool " + port.pool().get(0) + " .. "
                    + port.pool().get(port.pool().size() - 1) + ", TFTP " + root + " on "
                    + p.tftp().map(t -> t.addresses().toString()).orElse("nothing"));
        }
        err.println("kubermesh boot serve: node " + node + " serving " + served.size() + " port(s); HTTP on [::]:"
                + spec.boot().httpPort() + ", assets " + assetDir + ", state " + boot
                + "; SIGTERM or Ctrl-C stops and removes the addresses it added");
        err.flush();
    }

    /**
     * Adds TFTP on the link-local of {@code s} once it appears: a cable plugged in after the server
     * started brings carrier, and with it the link-local address, only then.
     */
    private void awaitLinkLocal(ServedPort s, PortBoot port, Path root, PortAddresses addresses, PrintWriter err) {
        Thread t = new Thread(() -> {
            try {
                Optional<InterfaceAddress> ll = Optional.empty();
                while (!stopping && ll.isEmpty()) {
                    ll = addresses.linkLocal(s.interfaceName(), Duration.ofSeconds(1));
                }
                synchronized (running) {
                    if (!stopping) {
                        InetSocketAddress bind = PortAddresses.socketAddress(ll.get().address(),
                                ll.get().interfaceIndex(), TFTP_PORT);
                        port.addTftp(root, List.of(bind));
                        err.println("kubermesh boot serve: " + s.interfaceName() + " has link-local "
                                + ll.get().address() + " now; TFTP serves it too");
                        err.flush();
                    }
                }
            } catch (RuntimeException e) {
                if (!stopping) {
                    err.println("kubermesh boot serve: no TFTP on the link-local of " + s.interfaceName() + ": "
                            + e.getMessage());
                    err.flush();
                }
            }
        }, "boot-serve-link-local-" + s.interfaceName());
        t.setDaemon(true);
        t.start();
    }

    /** Groups and profiles of STATE/boot when there are groups, else every machine joins this cluster. */
    private ProfileCatalog catalog(ClusterSpec spec, Path boot) {
        if (Files.isDirectory(boot.resolve("groups"))) {
            return ProfileCatalog.load(boot);
        }
        return ClusterProfile.catalog(cluster.yaml(spec));
    }

    private void stop(PortAddresses addresses, PrintWriter err) {
        List<AutoCloseable> all;
        synchronized (running) {
            stopping = true;
            all = new ArrayList<>(running);
            running.clear();
        }
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                err.println("kubermesh boot serve: stopping " + c + ": " + e.getMessage());
            }
        }
        addresses.close();
        err.flush();
    }
}
