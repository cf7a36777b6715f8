package io.kubermesh.controlplane.etcd;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One etcd server process: started with its name, data directory, client and peer URLs and the
 * initial cluster; watched through {@code /health} on its client URL; restarted by
 * {@link #ensureRunning()} if it died (rejoining with its data as an existing member); stopped
 * with SIGTERM then SIGKILL, or killed outright. Only the process this object started (or
 * adopted) is ever signalled. Its output goes to {@code NAME.log} next to the data directory, its
 * pid to {@code NAME.pid}: {@link #start()} adopts a member still running on the same data
 * directory (its agent was killed and restarted) instead of starting a second one.
 */
public final class EtcdMember implements AutoCloseable {
    /**
     * How to run one member.
     *
     * @param name the member's name, unique in the cluster
     * @param dataDir its data directory (created by etcd)
     * @param clientUrl where it serves clients ({@code http://[host]:2379})
     * @param peerUrl where it talks to the other members ({@code http://[host]:2380})
     * @param initialCluster every member's name and peer URL at bootstrap, this one included
     * @param existing true to join a running cluster (the member was added with the member API first)
     * @param clusterToken the bootstrap token that keeps two clusters from merging
     * @param heartbeat the raft heartbeat interval
     * @param electionTimeout the raft election timeout
     * @param listenClientUrl where it listens for clients, when not only on {@code clientUrl}: a
     *     member behind an anycast address listens on {@code http://[::]:2379}, since the anycast
     *     /128 comes and goes with its health; null for {@code clientUrl}
     * @param tls the member's TLS (clients and peers, client certificates required), null for
     *     plain HTTP (tests of the membership logic only: a node's member always runs with TLS)
     * @param quotaBytes the backend quota: past it etcd raises the NOSPACE alarm and takes no
     *     writes until space is reclaimed ({@code EtcdMaintenance})
     */
    public record Spec(String name, Path dataDir, URI clientUrl, URI peerUrl, Map<String, URI> initialCluster,
                       boolean existing, String clusterToken, Duration heartbeat, Duration electionTimeout,
                       URI listenClientUrl, EtcdTls tls, long quotaBytes) {
        /** etcd's own default quota, 2 GiB. */
        public static final long DEFAULT_QUOTA = 2L << 30;
        /** History kept by periodic auto-compaction: an hour of revisions, enough for any watch that reconnects. */
        public static final String COMPACTION_RETENTION = "1h";

        public Spec {
            listenClientUrl = listenClientUrl == null ? clientUrl : listenClientUrl;
            if (quotaBytes <= 0) {
                throw new IllegalArgumentException("a backend quota is positive, got " + quotaBytes);
            }
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(clientUrl, "clientUrl");
            Objects.requireNonNull(peerUrl, "peerUrl");
            initialCluster = Map.copyOf(initialCluster);
            if (!peerUrl.equals(initialCluster.get(name))) {
                throw new IllegalArgumentException("the initial cluster must hold " + name + "=" + peerUrl + ", got " + initialCluster);
            }
            Objects.requireNonNull(clusterToken, "clusterToken");
            if (electionTimeout.compareTo(heartbeat.multipliedBy(5)) < 0) {
                throw new IllegalArgumentException("an election timeout of " + electionTimeout
                        + " is too short for a heartbeat of " + heartbeat + " (etcd wants at least 5 heartbeats)");
            }
        }

        /** A plain-HTTP member listening for clients on its client URL only. */
        public Spec(String name, Path dataDir, URI clientUrl, URI peerUrl, Map<String, URI> initialCluster,
                    boolean existing, String clusterToken, Duration heartbeat, Duration electionTimeout) {
            this(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, heartbeat, electionTimeout, null);
        }

        /** A plain-HTTP member with the default quota. */
        public Spec(String name, Path dataDir, URI clientUrl, URI peerUrl, Map<String, URI> initialCluster,
                    boolean existing, String clusterToken, Duration heartbeat, Duration electionTimeout, URI listenClientUrl) {
            this(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, heartbeat, electionTimeout,
                    listenClientUrl, null, DEFAULT_QUOTA);
        }

        /** The same member serving TLS with {@code newTls}. */
        public Spec withTls(EtcdTls newTls) {
            return new Spec(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, heartbeat,
                    electionTimeout, listenClientUrl, newTls, quotaBytes);
        }

        /** The same member with another backend quota. */
        public Spec withQuota(long bytes) {
            return new Spec(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, heartbeat,
                    electionTimeout, listenClientUrl, tls, bytes);
        }

        /** A member of a new single-member cluster with etcd's default timing. */
        public static Spec single(String name, Path dataDir, URI clientUrl, URI peerUrl) {
            return new Spec(name, dataDir, clientUrl, peerUrl, Map.of(name, peerUrl), false, "kubermesh",
                    Duration.ofMillis(100), Duration.ofMillis(1000));
        }

        /** The same member told to join a running cluster whose members (this one included) are {@code cluster}. */
        public Spec joining(Map<String, URI> cluster) {
            return new Spec(name, dataDir, clientUrl, peerUrl, cluster, true, clusterToken, heartbeat, electionTimeout,
                    listenClientUrl, tls, quotaBytes);
        }

        /** The same member with other raft timing. */
        public Spec withTiming(Duration newHeartbeat, Duration newElectionTimeout) {
            return new Spec(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, newHeartbeat,
                    newElectionTimeout, listenClientUrl, tls, quotaBytes);
        }

        /** The same member listening for clients at {@code url} (advertising its client URL still). */
        public Spec listeningOn(URI url) {
            return new Spec(name, dataDir, clientUrl, peerUrl, initialCluster, existing, clusterToken, heartbeat,
                    electionTimeout, url, tls, quotaBytes);
        }

        /** The etcd command line. */
        public CommandLine command(Path binary) {
            String cluster = initialCluster.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            List<String> argv = new ArrayList<>();
            argv.addAll(List.of("--name", name, "--data-dir", dataDir.toString(),
                    "--listen-client-urls", listenClientUrl.toString(), "--advertise-client-urls", clientUrl.toString(),
                    "--listen-peer-urls", peerUrl.toString(), "--initial-advertise-peer-urls", peerUrl.toString(),
                    "--initial-cluster", cluster, "--initial-cluster-state", existing ? "existing" : "new",
                    "--initial-cluster-token", clusterToken,
                    "--heartbeat-interval", Long.toString(heartbeat.toMillis()),
                    "--election-timeout", Long.toString(electionTimeout.toMillis()),
                    "--logger", "zap", "--log-outputs", "stderr",
                    "--auto-compaction-mode", "periodic", "--auto-compaction-retention", COMPACTION_RETENTION,
                    "--quota-backend-bytes", Long.toString(quotaBytes)));
            if (tls != null) {
                argv.addAll(tls.flags());
                // The JSON gateway forwards every request over its own connection, under the
                // member's certificate (root), whoever sent it: off, so a client is always judged
                // by its own certificate.
                argv.add("--enable-grpc-gateway=false");
            }
            return EtcdBinary.REQUIREMENT.at(binary.toString(), argv);
        }
    }

    private final Spec spec;
    private final EtcdProbe probe;
    private final Path binary;
    private final Path log;
    private final Path pidFile;
    private Spec running;
    private ProcessHandle process;
    private boolean adopted;
    private boolean stopped;

    public EtcdMember(Spec spec) {
        this(spec, EtcdBinary.locate());
    }

    public EtcdMember(Spec spec, Path binary) {
        this(spec, binary, EtcdProbe.plain());
    }

    /** A member whose health is asked with {@code probe} (HTTPS with a client certificate for a TLS member). */
    public EtcdMember(Spec spec, Path binary, EtcdProbe probe) {
        this.probe = probe;
        this.spec = spec;
        this.running = spec;
        this.binary = binary;
        this.log = spec.dataDir().resolveSibling(spec.name() + ".log");
        this.pidFile = spec.dataDir().resolveSibling(spec.name() + ".pid");
    }

    /** True when {@link #start()} found the member running and took it over rather than starting it. */
    public synchronized boolean adopted() {
        return adopted;
    }

    public Spec spec() {
        return running;
    }

    public URI clientUrl() {
        return spec.clientUrl();
    }

    /**
     * Starts the process, or adopts the one still running on this data directory; returns at once
     * (a member of a new multi-member cluster is healthy only once a quorum runs).
     */
    public synchronized EtcdMember start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("etcd member " + spec.name() + " is already running as PID " + process.pid());
        }
        Optional<ProcessHandle> alive = runningOnThisData();
        if (alive.isPresent()) {
            process = alive.get();
            adopted = true;
            stopped = false;
            return this;
        }
        try {
            Files.createDirectories(spec.dataDir().getParent());
            ProcessBuilder pb = running.command(binary).processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start().toHandle();
            adopted = false;
            Files.writeString(pidFile, process.pid() + "\n");
            stopped = false;
            return this;
        } catch (IOException e) {
            throw new KubermeshException("cannot start etcd member " + spec.name() + " (" + binary + "): " + e.getMessage(), e);
        }
    }

    /** Starts the process and waits until it answers healthy. */
    public EtcdMember startAndAwaitHealthy(Duration timeout) {
        start();
        awaitHealthy(timeout);
        return this;
    }

    /** The PID of the running process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("etcd member " + spec.name() + " was never started");
        }
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** True when {@code GET /health} on the client URL answers 200 with {@code "health":"true"}. */
    public boolean healthy() {
        return probe.healthy(spec.clientUrl());
    }

    /** The same probe, plain HTTP, against any member's client URL. */
    public static boolean healthy(URI clientUrl) {
        return EtcdProbe.plain().healthy(clientUrl);
    }

    /**
     * Waits until the member is healthy.
     *
     * @throws KubermeshException with the end of its log if it died or is not healthy in time
     */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new KubermeshException("etcd member " + spec.name() + " exited with " + exitCode() + ":\n" + logTail());
            }
            if (healthy()) {
                return;
            }
            sleep(50);
        }
        throw new KubermeshException("etcd member " + spec.name() + " not healthy at " + spec.clientUrl() + " after "
                + timeout + ":\n" + logTail());
    }

    /** True when the process died without being stopped ({@link #ensureRunning()} would start it again). */
    public synchronized boolean exited() {
        return !stopped && process != null && !process.isAlive();
    }

    /**
     * Supervision: if the process died without being stopped, starts it again on the same data
     * directory as an existing member. Returns true if it restarted it.
     */
    public synchronized boolean ensureRunning() {
        if (stopped || process == null || process.isAlive()) {
            return false;
        }
        running = spec.joining(spec.initialCluster());
        start();
        return true;
    }

    /** The process named by the pid file, alive, with this data directory on its command line. */
    private Optional<ProcessHandle> runningOnThisData() {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (h.isEmpty()) {
                return Optional.empty();
            }
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> argv = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
            int at = argv.indexOf("--data-dir");
            return at >= 0 && at + 1 < argv.size() && argv.get(at + 1).equals(spec.dataDir().toString()) ? h : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGKILL, as a crashed machine would; the member is not restarted by {@link #ensureRunning()}. */
    public synchronized void kill() {
        stopped = true;
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL after ten seconds. */
    public synchronized void stop() {
        stopped = true;
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(process, Duration.ofSeconds(10))) {
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(10));
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The last lines etcd wrote, for error messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        } catch (UncheckedIOException e) {
            return "(log unreadable)";
        }
    }

    private synchronized String exitCode() {
        return process == null || process.isAlive() ? "nothing" : "an exit";
    }

    private static boolean waitFor(ProcessHandle p, Duration d) {
        try {
            p.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted while waiting for etcd", e);
        }
    }
}
