package io.kubermesh.boot.machine;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes (two state directories) sharing machine records through one in-memory directory. */
class MachineDirectoryTest {
    static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");

    @TempDir
    Path one;
    @TempDir
    Path two;

    static final String NODE_ONE = "52:54:00:00:00:01";
    static final String NODE_TWO = "52:54:00:00:00:02";

    /** The shared store, as etcd would hold it: versions, compare-and-set. */
    static final class InMemory implements MachineDirectory {
        final Map<MacAddress, Versioned> records = new ConcurrentHashMap<>();
        long revision;
        int writes;
        /** Runs between a read and the next compare-and-set (a concurrent writer). */
        Runnable meanwhile = () -> { };

        Machine get(MacAddress mac) {
            return records.get(mac).machine();
        }

        void put(Machine m) {
            records.put(m.mac(), new Versioned(m, ++revision));
        }

        @Override
        public synchronized Optional<Versioned> find(MacAddress mac) {
            return Optional.ofNullable(records.get(mac));
        }

        @Override
        public synchronized boolean compareAndSet(Machine machine, long expectedVersion) {
            Runnable r = meanwhile;
            meanwhile = () -> { };
            r.run();
            Versioned now = records.get(machine.mac());
            if ((now == null ? 0 : now.version()) != expectedVersion) {
                return false;
            }
            writes++;
            put(machine);
            return true;
        }
    }

    /** A directory that cannot be reached. */
    static final class Down implements MachineDirectory {
        @Override
        public Optional<Versioned> find(MacAddress mac) {
            throw new KubermeshException("etcd did not read " + mac);
        }

        @Override
        public boolean compareAndSet(Machine machine, long expectedVersion) {
            throw new KubermeshException("etcd did not write " + machine.mac());
        }
    }

    private static MachineService node(Path state, MachineDirectory directory, String identity) {
        Profile p = new Profile("debian", "vmlinuz", List.of("initrd.gz"), List.of(), new Ignition(List.of(), List.of(),
                List.of()));
        return new MachineService(new MachineStore(state),
                new ProfileCatalog(List.of(new Group("all", "debian", Map.of())), List.of(p)), Clock.systemUTC(), directory,
                Enrolment.OPEN, identity);
    }

    private static MachineService.Facts facts() {
        return new MachineService.Facts(A, "uuid-a", "x86_64", "SER");
    }

    private static String secret(MachineService.Decision d) {
        assertThat(d).isInstanceOf(MachineService.Decision.Install.class);
        return ((MachineService.Decision.Install) d).bootSecret();
    }

    private static int status(Object d) {
        if (d instanceof MachineService.Decision.Refused r) {
            return r.httpStatus();
        }
        if (d instanceof MachineService.Decision.Unavailable) {
            return 503;
        }
        return d instanceof MachineService.Access.Denied<?> a ? a.httpStatus() : 200;
    }

    @Test
    void aMachineInstalledThroughOneNodeBootsFromDiskOnAnotherWhichCannotTakeItOver() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared, NODE_ONE);
        String secret = secret(first.boot(facts(), "cluster0"));
        assertThat(shared.get(A).state()).isEqualTo(MachineState.INSTALLING);
        assertThat(shared.get(A).node()).isEqualTo(NODE_ONE);
        assertThat(first.phoneHome(A, "cluster0", secret, MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(shared.get(A).state()).isEqualTo(MachineState.INSTALLED);

        MachineService second = node(two, shared, NODE_TWO);
        assertThat(second.boot(facts(), "cluster2")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(shared.get(A).node()).as("still the first node's").isEqualTo(NODE_ONE);
        assertThat(shared.get(A).port()).isEqualTo("cluster0");
        assertThat(status(second.phoneHome(A, "cluster2", secret, MachineState.JOINED))).isEqualTo(403);
        assertThat(shared.get(A).state()).isEqualTo(MachineState.INSTALLED);
    }

    @Test
    void withoutTheDirectoryTheOtherNodeWouldInstallAgain() {
        MachineService first = node(one, MachineDirectory.NONE, NODE_ONE);
        first.phoneHome(A, "cluster0", secret(first.boot(facts(), "cluster0")), MachineState.INSTALLED);
        assertThat(node(two, MachineDirectory.NONE, NODE_TWO).boot(facts(), "cluster2"))
                .isInstanceOf(MachineService.Decision.Install.class);
    }

    @Test
    void aMachineBeingInstalledThroughAnotherNodeIsNotTakenOver() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared, NODE_ONE);
        first.boot(facts(), "cluster0");
        Machine before = shared.get(A);
        MachineService second = node(two, shared, NODE_TWO);
        assertThat(status(second.boot(facts(), "cluster3"))).isEqualTo(409);
        assertThat(shared.get(A)).isEqualTo(before);
        assertThat(second.store().get(A)).isEmpty();
        assertThat(first.reset(A)).as("the operator releases it").isInstanceOf(MachineService.Access.Granted.class);
        secret(second.boot(facts(), "cluster3"));
        assertThat(shared.get(A).node()).isEqualTo(NODE_TWO);
        assertThat(shared.get(A).port()).isEqualTo("cluster3");
    }

    @Test
    void aStaleLocalInstallingRecordYieldsToAnInstalledSharedOne() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared, NODE_ONE);
        first.boot(facts(), "cluster0");
        // installed meanwhile through node two after an operator reset
        shared.put(new Machine(A, NODE_TWO, "cluster1", "uuid-a", "x86_64", "SER", "debian", MachineState.INSTALLED,
                "", ""));
        assertThat(first.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
        assertThat(first.boot(facts(), "cluster0")).as("moved back after installing elsewhere")
                .isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(first.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLED);
    }

    @Test
    void aConcurrentWriterMakesTheLoserFailNotOverwrite() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared, NODE_ONE);
        Machine theirs = new Machine(A, NODE_TWO, "cluster5", "u", "x86_64", "S", "debian", MachineState.INSTALLING, "", "");
        shared.meanwhile = () -> shared.put(theirs);
        assertThat(status(first.boot(facts(), "cluster0"))).isEqualTo(409);
        assertThat(shared.get(A)).as("the winner's record stands").isEqualTo(theirs);
        assertThat(first.store().get(A)).as("nothing kept locally").isEmpty();
        assertThat(status(first.boot(facts(), "cluster0"))).as("and it is the winner's now").isEqualTo(409);
    }

    @Test
    void aLocalRecordFurtherAlongIsNotRolledBackByTheDirectory() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared, NODE_ONE);
        String secret = secret(first.boot(facts(), "cluster0"));
        first.phoneHome(A, "cluster0", secret, MachineState.INSTALLED);
        shared.put(shared.get(A).withState(MachineState.INSTALLING));
        assertThat(first.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(first.phoneHome(A, "cluster0", secret, MachineState.JOINED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(shared.get(A).state()).as("rewritten with the local state").isEqualTo(MachineState.JOINED);
    }

    @Test
    void anUnreachableDirectoryFailsTheRequestInsteadOfDecidingLocally() {
        MachineService s = node(one, MachineDirectory.NONE, NODE_ONE);
        String secret = secret(s.boot(facts(), "cluster0"));
        MachineService down = node(one, new Down(), NODE_ONE);
        assertThat(down.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.Unavailable.class);
        assertThat(status(down.phoneHome(A, "cluster0", secret, MachineState.INSTALLED))).isEqualTo(503);
        assertThat(s.store().get(A).orElseThrow().state()).as("nothing changed").isEqualTo(MachineState.INSTALLING);
        s.phoneHome(A, "cluster0", secret, MachineState.INSTALLED);
        assertThat(down.boot(facts(), "cluster0")).as("an installed machine needs no directory to boot its disk")
                .isInstanceOf(MachineService.Decision.BootDisk.class);
    }
}
