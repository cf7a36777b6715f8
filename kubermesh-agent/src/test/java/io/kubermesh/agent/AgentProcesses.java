package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.MacAddress;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Agent processes ({@link TestAgentMain}) in network namespaces, for ITs that kill them: started
 * with {@code nsenter}, killed with SIGKILL, and at the end every process left in the namespaces
 * (the daemons a killed agent leaves behind) is killed before the namespaces go.
 */
final class AgentProcesses implements AutoCloseable {
    private final Path dir;
    private final List<String> namespaces;
    private final Map<String, Process> agents = new ConcurrentHashMap<>();

    AgentProcesses(Path dir, List<String> namespaces) {
        this.dir = dir;
        this.namespaces = List.copyOf(namespaces);
    }

    static void requireRoot(String test) {
        try {
            if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
                fail(test + " needs root (network namespaces); run the build as root");
            }
        } catch (IOException e) {
            fail(e.toString());
        }
    }

    /**
     * For an IT of one agent: namespace {@code ns} made afresh with one cable whose both ends are in
     * it ({@code cluster0}, the agent's identity 52:54:00:0f:10:00, and {@code farEnd}), and the
     * agents' directory {@code dir} readable by all (the daemons run as their own users).
     */
    static AgentProcesses oneCable(String test, Path dir, String ns, String farEnd) throws IOException {
        requireRoot(test);
        NetworkNamespaces.delete(ns);
        NetworkNamespaces.create(ns);
        try (io.kubermesh.routing.netlink.Rtnetlink nl = io.kubermesh.routing.netlink.Rtnetlink.open(ns)) {
            nl.createVeth("cluster0", MacAddress.parse("52:54:00:0f:10:00"), farEnd, MacAddress.parse("52:54:00:0f:10:01"),
                    Optional.empty());
        }
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return new AgentProcesses(dir, List.of(ns));
    }

    /** Writes {@code spec} as {@code cluster.yaml} in the agents' directory; its path. */
    Path config(io.kubermesh.api.ClusterSpec spec) throws IOException {
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, io.kubermesh.controlplane.kubernetes.ClusterYaml.write(spec));
        return f;
    }

    /** Fails with the install line when {@code binary} is not on the PATH. */
    static void requireBinary(String binary, String debianPackage) {
        boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .split(":")).map(d -> Path.of(d, binary)).anyMatch(Files::isExecutable);
        if (!found) {
            fail(binary + " is not installed: apt-get install -y " + debianPackage);
        }
    }

    Path state(String ns) {
        return dir.resolve(ns);
    }

    /** Starts the agent of namespace {@code ns} with {@code env} added to its environment. */
    Process start(String ns, Path config, boolean bootstrap, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + NetworkNamespaces.path(ns), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), TestAgentMain.class.getName(),
                config.toString(), state(ns).toString(), ns));
        if (bootstrap) {
            cmd.add("--etcd-bootstrap");
        }
        Files.createDirectories(state(ns));
        // A JVM decides once, at start, whether it has IPv6 (some address in /proc/net/if_inet6):
        // lo must be up before the agent starts, as it is on a booted machine.
        try (io.kubermesh.routing.netlink.Rtnetlink nl = io.kubermesh.routing.netlink.Rtnetlink.open(ns)) {
            nl.setUp("lo", true);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(ns + ".console").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        agents.put(ns, p);
        return p;
    }

    /**
     * Gives the agent of {@code ns} what a netbooted machine gets in its Ignition config: a node
     * certificate for {@code identity} signed by the CA the bootstrap agent of {@code bootstrapNs}
     * made, the CA certificate and the routing key (the lab's boot chain does this through
     * enrolment; agents started by hand need it done for them).
     */
    void enrol(String ns, String bootstrapNs, MacAddress identity) throws IOException, InterruptedException {
        Path from = state(bootstrapNs);
        Path to = state(ns);
        var ca = io.kubermesh.controlplane.pki.ClusterAuthority.fromPem(
                io.kubermesh.controlplane.pki.NodeCredentials.readText(io.kubermesh.controlplane.pki.PkiFiles.caCertificate(from)),
                io.kubermesh.controlplane.pki.NodeCredentials.readText(io.kubermesh.controlplane.pki.PkiFiles.caKey(from)));
        Path dir = Files.createDirectories(io.kubermesh.controlplane.pki.PkiFiles.directory(to));
        ca.issue(io.kubermesh.controlplane.pki.Identity.node(identity), java.time.Instant.now())
                .write(dir, io.kubermesh.controlplane.pki.PkiFiles.NODE);
        io.kubermesh.controlplane.pki.NodeCredentials.writeSecret(io.kubermesh.controlplane.pki.PkiFiles.routingKey(to),
                io.kubermesh.controlplane.pki.NodeCredentials.readText(io.kubermesh.controlplane.pki.PkiFiles.routingKey(from)));
        // The etcd user the leader makes when it signs through enrolment, made here by the real
        // etcdctl with the bootstrap member's certificate, inside its namespace.
        // Roles exist once the bootstrap agent turned authentication on (it marks that in etcd/).
        await("authentication on in " + bootstrapNs + "'s etcd", 60,
                () -> Files.exists(from.resolve("etcd").resolve("auth-enabled")));
        String host = status(bootstrapNs).orElseThrow(() -> new AssertionError(bootstrapNs + " does not answer")).host();
        String user = io.kubermesh.controlplane.pki.Identity.node(identity).commonName();
        Path pki = io.kubermesh.controlplane.pki.PkiFiles.directory(from);
        List<String> etcdctl = List.of("nsenter", "--net=" + NetworkNamespaces.path(bootstrapNs), "--", "etcdctl",
                "--endpoints=https://[" + host + "]:2379", "--cacert=" + pki.resolve("ca.crt"),
                "--cert=" + pki.resolve("member.crt"), "--key=" + pki.resolve("member.key"));
        run(etcdctl, List.of("user", "add", user, "--no-password"), true);
        run(etcdctl, List.of("user", "grant-role", user, io.kubermesh.controlplane.etcd.EtcdAccess.NODE_ROLE), false);
    }

    private static void run(List<String> prefix, List<String> args, boolean mayFail) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0 && !mayFail) {
                throw new AssertionError(String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    Process start(String ns, Path config, boolean bootstrap) throws IOException {
        return start(ns, config, bootstrap, Map.of());
    }

    /** SIGKILL to the agent alone: its daemons live on, as after an agent crash. */
    void kill(String ns) throws InterruptedException {
        Process p = agents.remove(ns);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** SIGTERM to the agent, as a service manager stops it: it closes (its shutdown hook) and exits. */
    void stop(String ns) throws InterruptedException {
        Process p = agents.remove(ns);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("the agent of " + ns + " did not stop within 30 s of SIGTERM");
            }
        }
    }

    /** Waits (60 s at most) until the agent of {@code ns} reports component {@code name} in {@code state}; the component. */
    ComponentStatus component(String ns, String name, String state) throws InterruptedException {
        await(name + " " + state + " (console: " + dir.resolve(ns + ".console") + ")", 60, () -> status(ns)
                .flatMap(s -> find(s, name)).map(c -> c.state().equals(state)).orElse(false));
        return find(status(ns).orElseThrow(), name).orElseThrow();
    }

    private static Optional<ComponentStatus> find(NodeStatus s, String name) {
        return s.components().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The agent's status, once its socket answers. */
    Optional<NodeStatus> status(String ns) {
        try {
            return Optional.of(StatusEndpoint.read(state(ns)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String console(String ns) {
        return tail(dir.resolve(ns + ".console"));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(nothing at " + file + ")";
        }
    }

    /** The pids of processes whose network namespace is {@code ns} and whose command line contains {@code word}. */
    static List<Long> processesIn(String ns, String word) {
        List<Long> out = new ArrayList<>();
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException e) {
            return out;
        }
        long inode = NetworkNamespaces.path(ns).toFile().exists() ? inode(NetworkNamespaces.path(ns)) : -1;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String link = Files.readSymbolicLink(p.resolve("ns/net")).toString();
                    if (inode < 0 || !link.equals("net:[" + inode + "]") || link.equals(target)) {
                        continue;
                    }
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    if (cmd.contains(word)) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        // The consoles go with the temporary directory: their ends are kept in the test's output.
        for (String ns : namespaces) {
            System.out.println("---- console of " + ns + " (last lines) ----\n" + console(ns));
            System.out.println("---- etcd log of " + ns + " (last lines) ----\n" + tail(state(ns).resolve("etcd").resolve(ns + ".log")));
            System.out.println("---- status of " + ns + " ----\n" + status(ns).map(Object::toString).orElse("(none)"));
        }
        for (String ns : agents.keySet()) {
            Process p = agents.remove(ns);
            p.destroy();
            try {
                p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroyForcibly();
        }
        for (String ns : namespaces) {
            for (long pid : processesIn(ns, "")) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (String ns : namespaces) {
            NetworkNamespaces.delete(ns);
        }
    }
}
