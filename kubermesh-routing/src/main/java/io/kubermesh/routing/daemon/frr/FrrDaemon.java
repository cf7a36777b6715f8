package io.kubermesh.routing.daemon.frr;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemonException;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import io.kubermesh.routing.daemon.Supervisor;
import io.kubermesh.routing.daemon.internal.Command;
import io.kubermesh.routing.daemon.internal.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FRR for one node: zebra, bfdd and ospf6d in the node's namespace, each with its own
 * configuration file, pid file and vty socket in the node's state directory, talking over the
 * node's own zserv socket, so instances in different namespaces share nothing. The daemons run
 * in the foreground as user {@code frr} under a {@link Supervisor}; read-back goes through
 * {@code vtysh --vty_socket}.
 *
 * <p>While it runs, an audit reads ospf6d's neighbours and database and zebra's routes every
 * {@link #AUDIT_EVERY} (one {@code vtysh} run) while the node's routing changes, and every
 * {@link #AUDIT_STEADY} once it has been steady for {@link #AUDIT_QUICK_FOR} ({@link AuditCadence}), and repairs what FRR 8.4's ospf6d sometimes leaves
 * stale ({@link StaleRoutes}): a route to a full neighbour's prefix that is not through that
 * neighbour's cable, or no route to it at all; and adjacencies it leaves stuck in the database
 * exchange ({@link StuckAdjacencies}, {@value StuckAdjacencies#AUDITS} audits in a row). When
 * {@link #AUDITS_BEFORE_REPAIR} audits in a row see a stale route, the port's
 * configuration is applied again and its adjacency reset ({@code clear ipv6 ospf6 interface}):
 * ospf6d drops and recomputes every route through the neighbour, and the adjacency is full
 * again within a hello interval or two. A port is reset at most once per
 * {@link #REPAIR_AT_MOST_EVERY}; each repair is logged with what was wrong and counted in
 * {@link #repairs()}.
 */
public final class FrrDaemon implements RoutingDaemon {
    static final String PACKAGE = "frr";
    private static final Logger LOG = LoggerFactory.getLogger(FrrDaemon.class);
    private static final String USER = "frr";
    private static final Duration VTYSH_TIMEOUT = Duration.ofSeconds(10);
    /** How often the audit looks for stale routes. */
    static final Duration AUDIT_EVERY = Duration.ofSeconds(5);
    /** How long after the last change of the node's routing the audits stay {@link #AUDIT_EVERY} apart. */
    static final Duration AUDIT_QUICK_FOR = Duration.ofMinutes(2);
    /** How often the audit looks once the node's routing is steady ({@link AuditCadence}). */
    static final Duration AUDIT_STEADY = Duration.ofSeconds(30);
    /**
     * How many audits in a row must see a route stale before it is repaired: a new adjacency's
     * routes are computed within the SPF throttle's 200 ms, so one interval later a route that is
     * still wrong is not converging.
     */
    static final int AUDITS_BEFORE_REPAIR = 2;
    /** The least time between two resets of one port's adjacency. */
    static final Duration REPAIR_AT_MOST_EVERY = Duration.ofSeconds(60);
    /**
     * The file of key chain commands {@link #rekey} hands to {@code vtysh -f}: 0600 in a 0700
     * directory of root's own (not the state directory, which the frr user owns and could swap a
     * file in), both deleted at once.
     */
    private static final String REKEY_COMMANDS = "ospf6d.rekey";
    private static final List<String> AUDIT_COMMANDS = List.of("show ipv6 ospf6 neighbor json",
            "show ipv6 ospf6 database intra-prefix detail json", "show ipv6 route ospf6 json");

    private static final List<String> DIAGNOSTIC_COMMANDS = List.of("show ipv6 ospf6 interface",
            "show ipv6 ospf6 neighbor", "show ipv6 ospf6 database router detail", "show ipv6 ospf6 database",
            "show ipv6 ospf6 route", "show ipv6 route ospf6");

    private volatile NodeConfig config;
    private final Path dir;
    private final Supervisor supervisor;
    private final AtomicInteger repairs = new AtomicInteger();
    private final RepairSchedule schedule = new RepairSchedule(AUDITS_BEFORE_REPAIR, REPAIR_AT_MOST_EVERY);
    /** Why the last audits could not read the daemons, once three in a row failed; null while they read. */
    private volatile String auditProblem;
    private ScheduledExecutorService auditor;
    private final AuditCadence cadence = new AuditCadence(AUDIT_QUICK_FOR, AUDIT_STEADY, System.nanoTime());

    public FrrDaemon(NodeConfig config) {
        this.config = config;
        this.dir = config.stateDirectory();
        List<Supervisor.Program> programs = new ArrayList<>();
        for (String daemon : List.of("zebra", "bfdd", "ospf6d")) {
            programs.add(program(daemon));
        }
        this.supervisor = new Supervisor("frr@" + config.nodeName(), programs);
    }

    private Supervisor.Program program(String daemon) {
        List<String> cmd = new ArrayList<>(List.of("-F", "datacenter",
                "-f", dir.resolve(daemon + ".conf").toString(),
                "-i", dir.resolve(daemon + ".pid").toString(),
                "--vty_socket", dir.toString(),
                "-z", dir.resolve("zserv.api").toString(),
                "--log", "file:" + dir.resolve(daemon + ".log")));
        if (daemon.equals("bfdd")) {
            cmd.add("--bfdctl");
            cmd.add(dir.resolve("bfdd.sock").toString());
        }
        Path vty = dir.resolve(daemon + ".vty");
        List<Path> stale = new ArrayList<>(List.of(vty, dir.resolve(daemon + ".pid")));
        if (daemon.equals("zebra")) {
            stale.add(dir.resolve("zserv.api"));
        } else if (daemon.equals("bfdd")) {
            stale.add(dir.resolve("bfdd.sock"));
        }
        Requirement.Program binary = switch (daemon) {
            case "zebra" -> HostRequirements.ZEBRA;
            case "bfdd" -> HostRequirements.BFDD;
            default -> HostRequirements.OSPF6D;
        };
        Supervisor.Program p = new Supervisor.Program(daemon, config.inNamespace(binary.args(cmd)), () -> Files.exists(vty),
                dir.resolve(daemon + ".out"), stale, PACKAGE, dir.resolve(daemon + ".pid"));
        // bfdd and ospf6d reconnect to a new zebra but do not give it back what they hold.
        return daemon.equals("zebra") ? p.asHub() : p;
    }

    @Override
    public String name() {
        return FrrProvider.NAME;
    }

    @Override
    public NodeConfig config() {
        return config;
    }

    @Override
    public void start() {
        StateDirectory.prepare(dir, USER, PACKAGE);
        writeFiles(config);
        cadence.changed(System.nanoTime());
        supervisor.start();
        synchronized (this) {
            if (auditor == null) {
                auditor = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "frr-audit@" + config.nodeName());
                    t.setDaemon(true);
                    return t;
                });
                long every = AUDIT_EVERY.toMillis();
                auditor.scheduleWithFixedDelay(this::auditQuietly, every, every, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Audits in a row that could not read the daemons: one is a restart, three are a fault worth a warning. */
    private int auditFailures;

    private void auditQuietly() {
        if (!cadence.due(System.nanoTime())) {
            return;
        }
        try {
            audit();
            auditFailures = 0;
            auditProblem = null;
        } catch (RuntimeException e) {
            // The daemons may be restarting, or a reply was cut short; the next audit tries again.
            schedule.forget();
            cadence.changed(System.nanoTime());
            if (++auditFailures == 3) {
                auditProblem = "the stale-route audit could not read the daemons 3 times in a row: " + e.getMessage();
                LOG.warn("frr@{}: {}", config.nodeName(), auditProblem);
            } else {
                LOG.debug("frr@{}: route audit skipped: {}", config.nodeName(), e.getMessage());
            }
        }
    }

    /**
     * One audit: finds the stale routes and resets the adjacency of each port that
     * {@link RepairSchedule} says is due. Returns the stale routes seen.
     */
    List<StaleRoutes.Stale> audit() {
        if (!supervisor.health().healthy()) {
            schedule.forget();
            return List.of();
        }
        NodeConfig c = config;
        List<String> parts = FrrReadback.split(vtysh(AUDIT_COMMANDS), AUDIT_COMMANDS.size());
        List<Neighbour> neighbours = FrrReadback.neighbours(parts.get(0));
        List<StaleRoutes.Stale> stale = StaleRoutes.find(c.routerIdText(), neighbours,
                FrrReadback.intraAreaPrefixes(parts.get(1)), FrrReadback.installedRoutes(parts.get(2)),
                FrrReadback.ospf6Prefixes(parts.get(2)), FrrConfig.COST);
        List<AuditFinding> onPorts = new ArrayList<>();
        stale.stream().filter(s -> c.ports().contains(s.port())).forEach(onPorts::add);
        StuckAdjacencies.find(neighbours).stream().filter(s -> c.ports().contains(s.port())).forEach(onPorts::add);
        cadence.saw(neighbours.stream().map(n -> n.interfaceName() + "/" + n.routerId() + "/" + n.state()).sorted().toList().toString(),
                !stale.isEmpty() || !onPorts.isEmpty(), System.nanoTime());
        schedule.due(onPorts, System.nanoTime()).forEach((port, why) -> repair(c, port, why));
        return stale;
    }

    private synchronized void repair(NodeConfig c, String port, AuditFinding why) {
        int audits = Math.max(AUDITS_BEFORE_REPAIR, why.audits());
        LOG.warn("frr@{}: seen by {} audits in a row ({} s): {}; ospf6d did not recover from it (FRR 8.4), so the"
                + " configuration of {} is applied again and its adjacency reset", c.nodeName(), audits,
                audits * AUDIT_EVERY.toSeconds(), why.describe(), port);
        List<String> commands = new ArrayList<>();
        commands.add("configure terminal");
        commands.addAll(FrrConfig.addPortCommands(c, port));
        commands.add("end");
        commands.add("clear ipv6 ospf6 interface " + port);
        vtysh(commands);
        int n = repairs.incrementAndGet();
        LOG.info("frr@{}: adjacency on {} reset ({} repair(s) since start)", c.nodeName(), port, n);
    }

    @Override
    public int repairs() {
        return repairs.get();
    }

    private void writeFiles(NodeConfig node) {
        FrrConfig.Files files = FrrConfig.generate(node);
        StateDirectory.write(dir.resolve("zebra.conf"), files.zebra(), USER, PACKAGE);
        StateDirectory.write(dir.resolve("bfdd.conf"), files.bfdd(), USER, PACKAGE);
        StateDirectory.write(dir.resolve("ospf6d.conf"), files.ospf6d(), USER, PACKAGE);
    }

    /**
     * Writes the new files (ospf6d.conf holds the ring, so an ospf6d the supervisor restarts reads
     * it), reads what the running ospf6d holds, gives it the ring through {@code vtysh -f} with a
     * 0600 file of commands ({@link FrrKeyChain#rekeyCommands}: vtysh sends key chain commands to
     * ospf6d, which uses a chain from the next packet on, so no adjacency is reset) and reads it
     * back to check that ospf6d holds exactly the ring on every port. A secret never reaches a
     * command line, a log line or an exception message.
     */
    @Override
    public synchronized void rekey(RoutingKeyring ring) {
        NodeConfig next = config.withKeys(ring);
        cadence.changed(System.nanoTime());
        List<RoutingKey> secrets = new ArrayList<>(ring.all());
        config.keys().ifPresent(old -> secrets.addAll(old.all()));
        writeFiles(next);
        Path commands = null;
        String applyFailure = null;
        try {
            FrrKeyChain.Live live = FrrKeyChain.parse(vtysh(List.of("show running-config")));
            commands = privateFile(String.join("\n", FrrKeyChain.rekeyCommands(live, ring, next.ports())) + "\n");
            vtyshFile(commands);
        } catch (RuntimeException e) {
            applyFailure = redact(e.getMessage(), secrets);
        } finally {
            if (commands != null) {
                deleteQuietly(commands);
                deleteQuietly(commands.getParent());
            }
        }
        Optional<String> wrong;
        try {
            wrong = FrrKeyChain.differences(ring, next.ports(), FrrKeyChain.parse(vtysh(List.of("show running-config"))));
        } catch (RuntimeException e) {
            wrong = Optional.of("cannot read its key chain back: " + redact(e.getMessage(), secrets));
        }
        if (wrong.isPresent()) {
            throw new RoutingDaemonException("frr@" + config.nodeName() + ": ospf6d did not take the routing keys " + ring.ids()
                    + ": " + wrong.get() + (applyFailure == null ? "" : "; " + applyFailure)
                    + " (ospf6d.conf holds the new keys, so a restart of ospf6d would take them)");
        }
        if (applyFailure != null) {
            LOG.info("frr@{}: vtysh complained while changing the key chain, which holds the new keys all the same: {}",
                    config.nodeName(), applyFailure);
        }
        config = next;
        LOG.info("frr@{}: routing keys now {}", config.nodeName(), ring.ids());
    }

    /** {@code text} with every secret of {@code keys} (and its BFD key) replaced. */
    static String redact(String text, List<RoutingKey> keys) {
        String out = String.valueOf(text);
        for (RoutingKey k : keys) {
            out = out.replace(k.ospfKey(), "(redacted)").replace(k.bfdKey(), "(redacted)");
        }
        return out;
    }

    /** {@code text} in a new 0600 file {@value #REKEY_COMMANDS} of a new 0700 directory under java.io.tmpdir. */
    private static Path privateFile(String text) {
        try {
            Path d = Files.createTempDirectory("kmfrr-rekey-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Path f = Files.createFile(d.resolve(REKEY_COMMANDS), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, text, java.nio.charset.StandardCharsets.US_ASCII);
            return f;
        } catch (IOException e) {
            throw new RoutingDaemonException("cannot write the key chain commands for vtysh: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /**
     * Writes the new files (used if the daemons restart) and applies the difference through
     * {@code vtysh}: only added and removed ports are touched, so adjacencies on the other ports
     * stay up.
     */
    @Override
    public synchronized void reconfigure(List<String> ports) {
        NodeConfig next = config.withPorts(ports);
        Set<String> added = new LinkedHashSet<>(next.ports());
        added.removeAll(config.ports());
        Set<String> removed = new LinkedHashSet<>(config.ports());
        removed.removeAll(next.ports());
        writeFiles(next);
        List<String> commands = new ArrayList<>();
        commands.add("configure terminal");
        for (String port : removed) {
            commands.addAll(FrrConfig.removePortCommands(port));
        }
        for (String port : added) {
            commands.addAll(FrrConfig.addPortCommands(next, port));
        }
        if (!added.isEmpty() || !removed.isEmpty()) {
            cadence.changed(System.nanoTime());
            vtysh(commands);
        }
        config = next;
    }

    @Override
    public List<Route> installedRoutes() {
        return FrrReadback.routes(vtysh(List.of("show ipv6 route ospf6 json")));
    }

    /**
     * The routes ospf6d computed, with every next hop it found, whether or not zebra installed
     * them: {@link #installedRoutes} minus this is what was lost between ospf6d and the kernel.
     */
    public List<Route> computedRoutes() {
        return FrrReadback.computedRoutes(vtysh(List.of("show ipv6 ospf6 route json")));
    }

    @Override
    public List<Neighbour> neighbours() {
        return FrrReadback.neighbours(vtysh(List.of("show ipv6 ospf6 neighbor json")));
    }

    /** What ospf6d says of its interfaces, neighbours, database and routes (one {@code vtysh} run). */
    @Override
    public String diagnostics() {
        return vtysh(DIAGNOSTIC_COMMANDS);
    }

    /** Runs the configuration commands in {@code file} ({@code vtysh -f}: they start in configure mode). */
    private void vtyshFile(Path file) {
        Command.run(HostRequirements.VTYSH.args(List.of("--vty_socket", dir.toString(), "-f", file.toString())), VTYSH_TIMEOUT,
                PACKAGE);
    }

    private String vtysh(List<String> commands) {
        List<String> cmd = new ArrayList<>(List.of("--vty_socket", dir.toString()));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return Command.run(HostRequirements.VTYSH.args(cmd), VTYSH_TIMEOUT, PACKAGE);
    }

    /**
     * The supervisor's view; while the processes run but the stale-route audit cannot read them,
     * its problem is the detail (status shows it as the routing component's error).
     */
    @Override
    public DaemonHealth health() {
        DaemonHealth h = supervisor.health();
        String problem = auditProblem;
        return h.healthy() && problem != null ? new DaemonHealth(h.status(), h.restarts(), problem) : h;
    }

    @Override
    public int adopted() {
        return supervisor.adopted();
    }

    @Override
    public List<Long> processIds() {
        return supervisor.pids();
    }

    @Override
    public void stop() {
        stopAuditor();
        supervisor.stop();
    }

    @Override
    public void close() {
        stopAuditor();
        supervisor.close();
    }

    private synchronized void stopAuditor() {
        if (auditor != null) {
            auditor.shutdownNow();
            auditor = null;
        }
    }
}
