package io.kubermesh.addressing.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.DurableFile;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;
import net.jqwik.api.constraints.AlphaChars;

/** IPv4 allocations are unique, stable per identity, and intact after a crash between any two steps of a write. */
class Ipv4AllocationProperties {
    /** Thrown from the write hook: like the process dying there, it is not an IOException the store handles. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Property(tries = 200)
    void allocationsAreUniqueAndStable(@ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 40) Integer> ops) {
        Ipv4Allocator a = Ipv4Allocator.nodeAddresses(new InMemoryAllocationStore(), Ipv4Pools.DEFAULT);
        Map<String, Ipv4Prefix> model = new HashMap<>();
        for (int op : ops) {
            String id = "n" + (op % 20);
            if (op >= 30) {
                assertThat(a.release(id)).isEqualTo(model.remove(id) != null);
            } else {
                Ipv4Prefix got = a.allocate(id);
                Ipv4Prefix before = model.putIfAbsent(id, got);
                if (before != null) {
                    assertThat(got).isEqualTo(before);
                }
            }
            assertThat(new HashSet<>(a.allocations().values())).hasSize(model.size());
            assertThat(a.allocations()).isEqualTo(model);
        }
    }

    @Property(tries = 60)
    void aCrashBetweenAnyTwoStepsLeavesTheOldOrTheNewTable(
            @ForAll @Size(min = 1, max = 12) @UniqueElements List<@AlphaChars @StringLength(min = 1, max = 8) String> ids,
            @ForAll @IntRange(min = 0, max = 11) int crashAtWrite,
            @ForAll @IntRange(min = 0, max = 3) int crashAtStep) throws IOException {
        Path dir = Files.createTempDirectory("km-crash");
        try {
            DurableFile.Step step = DurableFile.Step.values()[crashAtStep];
            int[] writes = {0};
            FileAllocationStore crashing = new FileAllocationStore(dir, s -> {
                if (s == step && writes[0]++ == crashAtWrite) {
                    throw new SimulatedCrash();
                }
            });
            Ipv4Allocator a = Ipv4Allocator.nodeAddresses(crashing, Ipv4Pools.DEFAULT);
            Map<String, Ipv4Prefix> committed = new HashMap<>();
            String inFlight = null;
            try {
                for (String id : ids) {
                    inFlight = id;
                    committed.put(id, a.allocate(id));
                    inFlight = null;
                }
            } catch (SimulatedCrash crash) {
                // The process "died" here; what is on disk is all that is left.
            }
            // Restart: a fresh store on the same directory.
            Ipv4Allocator after = Ipv4Allocator.nodeAddresses(new FileAllocationStore(dir), Ipv4Pools.DEFAULT);
            Map<String, Ipv4Prefix> onDisk = after.allocations();
            // Every allocation that was returned to a caller survived. One in flight may or may not
            // have (a crash after the rename keeps it, before it loses it), never half of it.
            assertThat(onDisk).containsAllEntriesOf(committed);
            Map<String, Ipv4Prefix> extra = new HashMap<>(onDisk);
            committed.keySet().forEach(extra::remove);
            assertThat(extra.keySet()).isSubsetOf(inFlight == null ? List.of() : List.of(inFlight));
            assertThat(new HashSet<>(onDisk.values())).hasSize(onDisk.size());
            // And allocation goes on, unique and stable.
            for (String id : ids) {
                Ipv4Prefix p = after.allocate(id);
                if (onDisk.containsKey(id)) {
                    assertThat(p).isEqualTo(onDisk.get(id));
                }
            }
            assertThat(new HashSet<>(after.allocations().values())).hasSize(ids.size());
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
