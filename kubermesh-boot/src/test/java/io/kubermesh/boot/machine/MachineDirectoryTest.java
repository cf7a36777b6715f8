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

    /** The shared store, as etcd would hold it. */
    static final class InMemory implements MachineDirectory {
        final Map<MacAddress, Machine> records = new ConcurrentHashMap<>();
        int writes;

        @Override
        public Optional<Machine> find(MacAddress mac) {
            return Optional.ofNullable(records.get(mac));
        }

        @Override
        public void record(Machine machine) {
            writes++;
            records.put(machine.mac(), machine);
        }
    }

    /** A directory that cannot be reached. */
    static final class Down implements MachineDirectory {
        @Override
        public Optional<Machine> find(MacAddress mac) {
            throw new KubermeshException("etcd did not read " + mac);
        }

        @Override
        public void record(Machine machine) {
            throw new KubermeshException("etcd did not write " + machine.mac());
        }
    }

    private static MachineService node(Path state, MachineDirectory directory) {
        Profile p = new Profile("debian", "vmlinuz", List.of("initrd.gz"), List.of(), new Ignition(List.of(), List.of(),
                List.of()));
        return new MachineService(new MachineStore(state),
                new ProfileCatalog(List.of(new Group("all", "debian", Map.of())), List.of(p)), Clock.systemUTC(), directory);
    }

    private static MachineService.Facts facts() {
        return new MachineService.Facts(A, "uuid-a", "x86_64", "SER");
    }

    @Test
    void aMachineInstalledThroughOneNodeBootsFromDiskOnAnother() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared);
        assertThat(first.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.Install.class);
        assertThat(shared.records.get(A).state()).isEqualTo(MachineState.INSTALLING);
        assertThat(first.phoneHome(A, "cluster0", MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(shared.records.get(A).state()).isEqualTo(MachineState.INSTALLED);

        MachineService second = node(two, shared);
        MachineService.Decision d = second.boot(facts(), "cluster2");
        assertThat(d).isInstanceOf(MachineService.Decision.BootDisk.class);
        Machine taken = second.store().get(A).orElseThrow();
        assertThat(taken.port()).as("taken over on the port it now comes in on").isEqualTo("cluster2");
        assertThat(taken.state()).isEqualTo(MachineState.INSTALLED);
        assertThat(second.phoneHome(A, "cluster2", MachineState.JOINED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(shared.records.get(A).state()).isEqualTo(MachineState.JOINED);
        assertThat(shared.records.get(A).port()).isEqualTo("cluster2");
    }

    @Test
    void withoutTheDirectoryTheOtherNodeWouldInstallAgain() {
        MachineService first = node(one, MachineDirectory.NONE);
        first.boot(facts(), "cluster0");
        first.phoneHome(A, "cluster0", MachineState.INSTALLED);
        assertThat(node(two, MachineDirectory.NONE).boot(facts(), "cluster2")).isInstanceOf(MachineService.Decision.Install.class);
    }

    @Test
    void aStaleLocalInstallingRecordYieldsToAnInstalledSharedOne() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared);
        MachineService second = node(two, shared);
        first.boot(facts(), "cluster0");
        second.boot(facts(), "cluster1");
        assertThat(second.phoneHome(A, "cluster1", MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(first.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
        assertThat(first.boot(facts(), "cluster0")).as("moved back after installing elsewhere")
                .isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(first.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLED);
    }

    @Test
    void aMachineNotYetInstalledElsewhereIsInstalledOnItsNewPort() {
        InMemory shared = new InMemory();
        node(one, shared).boot(facts(), "cluster0");
        MachineService second = node(two, shared);
        assertThat(second.boot(facts(), "cluster3")).isInstanceOf(MachineService.Decision.Install.class);
        assertThat(second.store().get(A).orElseThrow().port()).isEqualTo("cluster3");
        assertThat(second.ignition(A, "cluster3")).isInstanceOf(MachineService.Access.Granted.class);
    }

    @Test
    void aLocalRecordFurtherAlongIsNotRolledBackByTheDirectory() {
        InMemory shared = new InMemory();
        MachineService first = node(one, shared);
        first.boot(facts(), "cluster0");
        first.phoneHome(A, "cluster0", MachineState.INSTALLED);
        shared.records.put(A, shared.records.get(A).withState(MachineState.INSTALLING));
        assertThat(first.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(shared.records.get(A).state()).as("rewritten with the local state").isEqualTo(MachineState.INSTALLED);
    }

    @Test
    void anUnreachableDirectoryNeverFailsABoot() {
        MachineService s = node(one, new Down());
        assertThat(s.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.Install.class);
        assertThat(s.phoneHome(A, "cluster0", MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.boot(facts(), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLED);
    }
}
