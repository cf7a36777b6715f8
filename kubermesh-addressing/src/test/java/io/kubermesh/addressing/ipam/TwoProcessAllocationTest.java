package io.kubermesh.addressing.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs allocating from one file store at the same time never hand one address to two nodes. */
class TwoProcessAllocationTest {
    static final int PER_PROCESS = 60;

    /** The second process: allocates PER_PROCESS addresses for identities with its own prefix. */
    public static void main(String[] args) {
        Ipv4Allocator a = Ipv4Allocator.nodeAddresses(new FileAllocationStore(Path.of(args[0])), Ipv4Pools.DEFAULT);
        for (int i = 0; i < PER_PROCESS; i++) {
            a.allocate(args[1] + "-" + i);
        }
    }

    @Test
    void twoProcessesShareOneStoreWithoutDuplicates(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> procs = new ArrayList<>();
        for (String name : new String[] {"alpha", "beta"}) {
            procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TwoProcessAllocationTest.class.getName(), dir.toString(), name).inheritIO().start());
        }
        for (Process p : procs) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        Map<String, Ipv4Prefix> all = Ipv4Allocator.nodeAddresses(new FileAllocationStore(dir), Ipv4Pools.DEFAULT)
                .allocations();
        assertThat(all).hasSize(2 * PER_PROCESS);
        assertThat(new HashSet<>(all.values())).hasSize(2 * PER_PROCESS);
    }
}
