package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.MachineRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Machine records in a real etcd: written by one client, read by another, listed, removed. */
class EtcdMachineRecordsIT {
    @TempDir
    Path dir;
    private EtcdMember etcd;

    @AfterEach
    void stop() {
        if (etcd != null) {
            etcd.stop();
        }
    }

    @Test
    void aRecordWrittenThroughOneClientIsReadThroughAnother() {
        etcd = LocalEtcd.single(dir, "records");
        MacAddress a = MacAddress.parse("52:54:00:00:00:0a");
        MacAddress b = MacAddress.parse("52:54:00:00:00:0b");
        MachineRecord ra = new MachineRecord("node-a", a, Optional.of(MacAddress.parse("52:54:00:00:01:0a")), "installing",
                List.of(new MachineRecord.Neighbour(0, "node-b")),
                List.of(new MachineRecord.BootEvent(Instant.parse("2026-11-26T09:00:00Z"), "ipxe", "node-b:1")),
                Instant.parse("2026-11-26T09:00:05Z"), Optional.of(Ipv4Prefix.parse("172.31.1.0/24")));
        MachineRecord rb = new MachineRecord("node-b", b, Optional.empty(), "running", List.of(), List.of(),
                Instant.parse("2026-11-26T09:00:06Z"), Optional.empty());
        try (Client one = EtcdClients.connect(List.of(etcd.clientUrl()));
             Client two = EtcdClients.connect(List.of(etcd.clientUrl()))) {
            EtcdMachineRecords writer = new EtcdMachineRecords(one, EtcdMachineRecords.DEFAULT_PREFIX, Duration.ofSeconds(10));
            EtcdMachineRecords reader = new EtcdMachineRecords(two, EtcdMachineRecords.DEFAULT_PREFIX, Duration.ofSeconds(10));
            assertThat(reader.get(a)).isEmpty();
            writer.put(rb);
            writer.put(ra);
            assertThat(reader.get(a)).contains(ra);
            assertThat(reader.list()).containsExactly(ra, rb);
            MachineRecord moved = new MachineRecord("node-a", a, ra.bootMac(), "running",
                    List.of(new MachineRecord.Neighbour(2, "node-c")), ra.bootHistory(), ra.lastSeen().plusSeconds(30),
                    ra.ipv4Pods());
            writer.put(moved);
            assertThat(reader.get(a)).contains(moved);
            assertThat(reader.remove(b)).isTrue();
            assertThat(reader.remove(b)).isFalse();
            assertThat(writer.list()).containsExactly(moved);
        }
    }
}
