package io.kubermesh.routing.daemon;

import io.kubermesh.api.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.EnvironmentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with ordinary programs (sleep, sh) standing in for daemons. */
class SupervisorTest {
    @TempDir
    Path dir;

    private Supervisor.Program program(String name, BooleanSupplier ready, String... command) {
        return new Supervisor.Program(name, CommandLine.configured(List.of(command)), ready, dir.resolve(name + ".out"), List.of(), "coreutils");
    }

    @Test
    void restartsTheCrashedProcessAloneAndStopsAllLeavingNoProcess() {
        try (Supervisor s = new Supervisor("t", List.of(program("first", () -> true, "sleep", "1000"),
                program("second", () -> true, "sleep", "1000")), Duration.ofMillis(10), Duration.ofMillis(100))) {
            s.start();
            assertThat(s.health().status()).isEqualTo(DaemonHealth.Status.RUNNING);
            List<Long> before = s.pids();
            assertThat(before).hasSize(2);

            ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();
            await(() -> s.health().restarts() == 1 && s.health().healthy());
            List<Long> after = s.pids();
            // The crashed one has a new process; the other kept running untouched.
            assertThat(after).hasSize(2).doesNotContain(before.get(0)).contains(before.get(1));
            assertThat(s.health().detail()).contains("first").contains("exited");

            s.stop();
            assertThat(s.pids()).isEmpty();
            assertThat(s.health().status()).isEqualTo(DaemonHealth.Status.STOPPED);
            for (long pid : after) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            }
        }
    }

    @Test
    void whenAHubExitsTheProgramsAfterItRestartWithItAndThoseBeforeItDoNot() {
        try (Supervisor s = new Supervisor("t", List.of(program("before", () -> true, "sleep", "1000"),
                program("hub", () -> true, "sleep", "1000").asHub(), program("after1", () -> true, "sleep", "1000"),
                program("after2", () -> true, "sleep", "1000")), Duration.ofMillis(10), Duration.ofMillis(100))) {
            s.start();
            List<Long> before = s.pids();
            assertThat(before).hasSize(4);

            ProcessHandle.of(before.get(1)).orElseThrow().destroyForcibly();
            await(() -> s.health().restarts() == 1 && s.health().healthy() && s.pids().size() == 4);
            List<Long> after = s.pids();
            assertThat(after.get(0)).isEqualTo(before.get(0));
            assertThat(after.subList(1, 4)).doesNotContainAnyElementsOf(before);
            for (long old : before.subList(2, 4)) {
                assertThat(ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)).as("old %s stopped", old).isFalse();
            }
            // Their stop was the supervisor's own doing, not a crash: nothing more is restarted.
            MeshLab.sleep(300);
            assertThat(s.health().restarts()).isEqualTo(1);
            assertThat(s.pids()).isEqualTo(after);

            // A program after the hub that dies alone is restarted alone.
            ProcessHandle.of(after.get(3)).orElseThrow().destroyForcibly();
            await(() -> s.health().restarts() == 2 && s.health().healthy() && s.pids().size() == 4);
            assertThat(s.pids().subList(0, 3)).isEqualTo(after.subList(0, 3));
        }
    }

    @Test
    void aHubRestartThatFailsHalfWayIsTriedAgainWholeUntilItHolds() throws Exception {
        Path fail = dir.resolve("fail");
        Supervisor.Program flaky = new Supervisor.Program("after", CommandLine.configured(List.of("sh", "-c",
                "[ -e \"$0\" ] && exit 3; exec sleep 1000", fail.toString())), () -> !Files.exists(fail),
                dir.resolve("after.out"), List.of(), "dash");
        try (Supervisor s = new Supervisor("t", List.of(program("hub", () -> true, "sleep", "1000").asHub(), flaky,
                program("last", () -> true, "sleep", "1000")), Duration.ofMillis(50), Duration.ofMillis(200))) {
            s.start();
            List<Long> before = s.pids();
            Files.createFile(fail);
            ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();
            await(() -> s.health().status() == DaemonHealth.Status.FAILED);
            assertThat(s.health().detail()).contains("after").contains("exited");
            for (long old : before) {
                assertThat(ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            }
            Files.delete(fail);
            await(() -> s.health().healthy() && s.pids().size() == 3);
            List<Long> after = s.pids();
            assertThat(after).doesNotContainAnyElementsOf(before);
            assertThat(s.health().restarts()).isEqualTo(1);
            MeshLab.sleep(300);
            // Nothing started by a failed attempt is left running or taken for a crash later.
            assertThat(s.pids()).isEqualTo(after);
            assertThat(s.health().restarts()).isEqualTo(1);
        }
    }

    @Test
    void aProgramThatExitsBeforeItIsReadyFailsTheStart() {
        try (Supervisor s = new Supervisor("t", List.of(program("quitter", () -> false, "false")))) {
            assertThatThrownBy(s::start).isInstanceOf(RoutingDaemonException.class).hasMessageContaining("quitter")
                    .hasMessageContaining("exited");
            assertThat(s.health().status()).isEqualTo(DaemonHealth.Status.STOPPED);
            assertThat(s.pids()).isEmpty();
        }
    }

    @Test
    void aMissingProgramNamesItsPackage() {
        try (Supervisor s = new Supervisor("t", List.of(program("ghost", () -> true, "/nonexistent/kmrd-ghost")))) {
            assertThatThrownBy(s::start).isInstanceOf(EnvironmentException.class).hasMessageContaining("apt-get install -y coreutils");
        }
    }

    @Test
    void waitsForReadinessAndRemovesStaleFiles() throws Exception {
        Path marker = dir.resolve("ready");
        Path stale = dir.resolve("stale.pid");
        Files.writeString(stale, "12345");
        Supervisor.Program p = new Supervisor.Program("slow", CommandLine.configured(List.of("sh", "-c",
                "sleep 0.3; touch " + marker + "; exec sleep 1000")),
                () -> Files.exists(marker), dir.resolve("slow.out"), List.of(stale), "dash");
        try (Supervisor s = new Supervisor("t", List.of(p))) {
            s.start();
            assertThat(marker).exists();
            assertThat(stale).doesNotExist();
        }
    }

    @Test
    void aProgramIgnoringSigtermIsKilled() {
        try (Supervisor s = new Supervisor("t", List.of(program("stubborn", () -> true, "sh", "-c",
                "trap '' TERM; while :; do sleep 0.1; done")))) {
            s.start();
            long pid = s.pids().get(0);
            s.stop();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    private static void await(BooleanSupplier condition) {
        long t0 = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - t0 > Duration.ofSeconds(20).toNanos()) {
                throw new AssertionError("condition not met in 20 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aSecondSupervisorAdoptsTheRunningProgramInsteadOfStartingItTwice() throws Exception {
        Path pid = dir.resolve("d.pid");
        // The process writes its own pid and keeps the pid file's path on its command line, as FRR and BIRD do.
        Supervisor.Program p = new Supervisor.Program("d", CommandLine.configured(List.of("sh", "-c",
                "echo $$ > \"$0\"; while :; do sleep 1; done", pid.toString())), () -> Files.exists(pid),
                dir.resolve("d.out"), List.of(pid), "dash", pid);
        Supervisor first = new Supervisor("first", List.of(p));
        first.start();
        List<Long> running = first.pids();
        // The first supervisor's agent "died": its process lives on, a new supervisor starts.
        try (Supervisor second = new Supervisor("second", List.of(p))) {
            second.start();
            assertThat(second.adopted()).isEqualTo(1);
            assertThat(second.pids()).isEqualTo(running);
            second.stop();
            assertThat(ProcessHandle.of(running.get(0)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        } finally {
            first.close();
        }
        // A pid file naming a dead process is not adopted: the program starts anew.
        try (Supervisor third = new Supervisor("third", List.of(p))) {
            third.start();
            assertThat(third.adopted()).isZero();
            assertThat(third.pids()).hasSize(1).doesNotContainAnyElementsOf(running);
        }
    }
}
