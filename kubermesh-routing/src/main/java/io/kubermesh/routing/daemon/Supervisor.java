package io.kubermesh.routing.daemon;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a group of processes (FRR's zebra, bfdd and ospf6d; BIRD's one process): starts them in
 * order, each once the previous one is ready, restarts a process that exits with exponential
 * backoff, and stops them by process id (SIGTERM, then SIGKILL after a grace period). Only the
 * process that died is restarted, unless it is a {@linkplain Program#hub() hub}: the programs
 * started after a hub are restarted with it, in order, as FRR's own watchfrr does when zebra dies.
 * FRR 8.4's ospf6d reconnects to a new zebra by itself but does not hand it the routes it already
 * holds, so a route that does not change after zebra's restart was seen missing from zebra (and the
 * kernel) for good while ospf6d listed it. The processes run in the foreground as children of this
 * JVM, so an exit is seen at once, without polling pid files.
 *
 * <p>A program with a pid file that is already running when the supervisor starts (its agent was
 * killed and restarted, the daemons lived on) is adopted, not started twice: the process whose
 * pid the file names and whose command line names that pid file is watched and stopped as if it
 * had been started here, so routes and adjacencies survive an agent restart.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration STABLE = Duration.ofSeconds(30);

    /**
     * One program of the group.
     *
     * @param name a short name for messages ({@code zebra})
     * @param command the full command line, namespace prefix included
     * @param ready true once the program serves (its control socket exists); polled after start
     * @param log where its standard output and error go (appended)
     * @param staleFiles files to delete before every start (sockets and pid files of a dead run)
     * @param debianPackage the package that provides the program, named when it is missing
     * @param pidFile the pid file the program writes (and names on its command line), by which a
     *     running instance is adopted; null for a program that is never adopted
     * @param hub true when the programs started after it cannot carry on with a new instance of it
     *     (FRR's zebra): when it exits they are stopped and started again after it
     */
    public record Program(String name, CommandLine command, BooleanSupplier ready, Path log, List<Path> staleFiles,
                          String debianPackage, Path pidFile, boolean hub) {
        public Program {
            staleFiles = List.copyOf(staleFiles);
        }

        /** A program that may be adopted, not a hub. */
        public Program(String name, CommandLine command, BooleanSupplier ready, Path log, List<Path> staleFiles,
                       String debianPackage, Path pidFile) {
            this(name, command, ready, log, staleFiles, debianPackage, pidFile, false);
        }

        /** This program as a hub: the programs started after it restart when it does. */
        public Program asHub() {
            return new Program(name, command, ready, log, staleFiles, debianPackage, pidFile, true);
        }

        /** A program that is never adopted. */
        public Program(String name, CommandLine command, BooleanSupplier ready, Path log, List<Path> staleFiles,
                       String debianPackage) {
            this(name, command, ready, log, staleFiles, debianPackage, null);
        }
    }

    /** A running program: started here ({@code process} set) or adopted (only its handle). */
    private record Running(ProcessHandle handle, Process process) {
        boolean adopted() {
            return process == null;
        }

        String exit() {
            return process == null ? "exited" : "exited with status " + process.exitValue();
        }
    }

    private final String unit;
    private final List<Program> programs;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService restarter;
    private final List<Running> running = new ArrayList<>();
    /** Processes this supervisor stopped to start them again after their hub (compared by identity). */
    private final Set<Running> stopping = Collections.newSetFromMap(new IdentityHashMap<>());
    private DaemonHealth.Status status = DaemonHealth.Status.STOPPED;
    private String detail = "";
    private int restarts;
    private int consecutiveFailures;
    private long generation;
    private long startedAtNanos;

    public Supervisor(String unit, List<Program> programs, Duration initialBackoff, Duration maxBackoff) {
        this.unit = unit;
        this.programs = List.copyOf(programs);
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.restarter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervisor-" + unit);
            t.setDaemon(true);
            return t;
        });
    }

    /** A supervisor with a backoff of 200 ms doubling up to 10 s. */
    public Supervisor(String unit, List<Program> programs) {
        this(unit, programs, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** Starts every program in order; throws (after stopping what did start) if one does not become ready. */
    public synchronized void start() {
        if (status != DaemonHealth.Status.STOPPED) {
            throw new IllegalStateException(unit + " is already started");
        }
        status = DaemonHealth.Status.STARTING;
        try {
            launchAll();
            status = DaemonHealth.Status.RUNNING;
        } catch (RuntimeException e) {
            killAll();
            status = DaemonHealth.Status.STOPPED;
            throw e;
        }
    }

    private void launchAll() {
        ++generation;
        running.clear();
        for (int i = 0; i < programs.size(); i++) {
            running.add(launch(i));
        }
        startedAtNanos = System.nanoTime();
    }

    private Running launch(int i) {
        Program p = programs.get(i);
        Optional<ProcessHandle> alive = Adoption.running(p.pidFile());
        if (alive.isPresent()) {
            ProcessHandle h = alive.get();
            long gen = generation;
            Running r = new Running(h, null);
            h.onExit().thenRun(() -> exited(gen, i, r));
            LOG.info("{}: adopted the running {} (pid {})", unit, p.name(), h.pid());
            return r;
        }
        for (Path stale : p.staleFiles()) {
            try {
                Files.deleteIfExists(stale);
            } catch (IOException e) {
                throw new RoutingDaemonException(unit + ": cannot remove stale " + stale + ": " + e.getMessage(), e);
            }
        }
        Process process;
        try {
            process = p.command().processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(p.log().toFile())).start();
        } catch (IOException e) {
            throw new EnvironmentException(unit + ": cannot run " + p.command().argv().get(0) + " (" + p.name() + "): "
                    + e.getMessage(), "apt-get install -y " + p.debianPackage());
        }
        long gen = generation;
        Running r = new Running(process.toHandle(), process);
        process.onExit().thenRun(() -> exited(gen, i, r));
        try {
            awaitReady(p, process);
        } catch (RuntimeException e) {
            terminate(r.handle());
            throw e;
        }
        return r;
    }

    private void awaitReady(Program p, Process process) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!p.ready().getAsBoolean()) {
            if (!process.isAlive()) {
                throw new RoutingDaemonException(unit + ": " + p.name() + " exited with status " + process.exitValue()
                        + " before it was ready; see " + p.log());
            }
            if (System.nanoTime() > deadline) {
                throw new RoutingDaemonException(unit + ": " + p.name() + " not ready after " + READY_TIMEOUT.toSeconds()
                        + " s; see " + p.log());
            }
            sleep(20);
        }
    }

    private synchronized void exited(long gen, int index, Running process) {
        // Exits of processes this supervisor stopped itself, of an older generation, and while
        // starting (awaitReady reports those) are not crashes.
        if (stopping.remove(process) || gen != generation || status == DaemonHealth.Status.STOPPED
                || status == DaemonHealth.Status.STARTING || index >= running.size() || running.get(index) != process) {
            return;
        }
        Program p = programs.get(index);
        detail = p.name() + " (pid " + process.handle().pid() + (process.adopted() ? ", adopted) " : ") ")
                + process.exit();
        if (p.hub() && index + 1 < programs.size()) {
            LOG.warn("{}: {}; restarting it and, after it, {}", unit, detail,
                    programs.subList(index + 1, programs.size()).stream().map(Program::name).toList());
        } else {
            LOG.warn("{}: {}; restarting it", unit, detail);
        }
        status = DaemonHealth.Status.RESTARTING;
        if (System.nanoTime() - startedAtNanos > STABLE.toNanos()) {
            consecutiveFailures = 0;
        }
        scheduleRestart(index);
    }

    private void scheduleRestart(int index) {
        long delay = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(consecutiveFailures, 20));
        consecutiveFailures++;
        long gen = generation;
        restarter.schedule(() -> restart(gen, index), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void restart(long gen, int index) {
        if (gen != generation || status == DaemonHealth.Status.STOPPED) {
            return;
        }
        if (running.get(index).handle().isAlive()) {
            return; // started again already, with the hub it depends on
        }
        boolean hub = programs.get(index).hub();
        try {
            if (hub) {
                stopFrom(index + 1);
            }
            running.set(index, launch(index));
            if (hub) {
                for (int i = index + 1; i < programs.size(); i++) {
                    running.set(i, launch(i));
                }
            }
            restarts++;
            startedAtNanos = System.nanoTime();
            status = DaemonHealth.Status.RUNNING;
            LOG.info("{}: {} restarted{} ({} restarts)", unit, programs.get(index).name(),
                    hub && index + 1 < programs.size() ? " with the programs after it" : "", restarts);
        } catch (RuntimeException e) {
            detail = e.getMessage();
            status = DaemonHealth.Status.FAILED;
            if (hub) {
                // The hub again and everything after it, whatever of them this attempt started.
                stopFrom(index);
            }
            scheduleRestart(index);
        }
    }

    /** Stops the programs from {@code from} on, last first; their exits are this supervisor's doing, not crashes. */
    private void stopFrom(int from) {
        for (int i = running.size() - 1; i >= from; i--) {
            Running r = running.get(i);
            if (r.handle().isAlive()) {
                stopping.add(r);
                terminate(r.handle());
            }
        }
    }

    public synchronized DaemonHealth health() {
        return new DaemonHealth(status, restarts, detail);
    }

    /** How many of the running programs were adopted from an earlier run rather than started here. */
    public synchronized int adopted() {
        return (int) running.stream().filter(r -> r.adopted() && r.handle().isAlive()).count();
    }

    /** The process ids now running. */
    public synchronized List<Long> pids() {
        return running.stream().map(Running::handle).filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }

    /** The running process of the program called {@code name}, if any. */
    public synchronized Optional<ProcessHandle> process(String name) {
        for (int i = 0; i < running.size() && i < programs.size(); i++) {
            if (programs.get(i).name().equals(name) && running.get(i).handle().isAlive()) {
                return Optional.of(running.get(i).handle());
            }
        }
        return Optional.empty();
    }

    /** Stops every process, last started first; idempotent. */
    public synchronized void stop() {
        if (status == DaemonHealth.Status.STOPPED && running.isEmpty()) {
            return;
        }
        status = DaemonHealth.Status.STOPPED;
        generation++;
        killAll();
    }

    private void killAll() {
        for (int i = running.size() - 1; i >= 0; i--) {
            terminate(running.get(i).handle());
        }
        running.clear();
    }

    private void terminate(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(process)) {
            LOG.warn("{}: pid {} ignored SIGTERM for {} s; sending SIGKILL", unit, process.pid(), GRACE.toSeconds());
            process.destroyForcibly();
            waitFor(process);
        }
    }

    private static boolean waitFor(ProcessHandle process) {
        try {
            process.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop();
        restarter.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoutingDaemonException("interrupted while waiting", e);
        }
    }
}
