package io.kubermesh.controlplane.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.MachineRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Machine records in etcd, one JSON value per machine under {@code PREFIX + identity}, so any
 * neighbour can serve a machine that moved to another port once etcd is up. The last write of a
 * machine's record wins: each record is written by the node that saw the machine.
 */
public final class EtcdMachineRecords {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "/kubermesh/machines/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final String prefix;
    private final Duration timeout;

    public EtcdMachineRecords(Client client, String prefix, Duration timeout) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /** Writes (creates or replaces) a machine's record. */
    public void put(MachineRecord record) {
        await(client.getKVClient().put(key(record.identity()), ByteSequence.from(encode(record))), "write " + record.name());
    }

    /** A machine's record, if there is one. */
    public Optional<MachineRecord> get(MacAddress identity) {
        List<KeyValue> kvs = await(client.getKVClient().get(key(identity)), "read " + identity).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(decode(kvs.get(0)));
    }

    /** Every record, ordered by identity. */
    public List<MachineRecord> list() {
        ByteSequence p = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        List<KeyValue> kvs = await(client.getKVClient().get(p, GetOption.builder().isPrefix(true).build()), "list machines")
                .getKvs();
        List<MachineRecord> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            out.add(decode(kv));
        }
        return out;
    }

    /** Deletes a machine's record; returns false if there was none. */
    public boolean remove(MacAddress identity) {
        return await(client.getKVClient().delete(key(identity)), "delete " + identity).getDeleted() > 0;
    }

    private ByteSequence key(MacAddress identity) {
        return ByteSequence.from(prefix + identity, StandardCharsets.UTF_8);
    }

    static byte[] encode(MachineRecord r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", r.name());
        n.put("identity", r.identity().toString());
        r.bootMac().ifPresent(b -> n.put("bootMac", b.toString()));
        n.put("state", r.state());
        ArrayNode neighbours = n.putArray("neighbours");
        r.neighbours().forEach(x -> neighbours.addObject().put("port", x.port()).put("machine", x.machine()));
        ArrayNode history = n.putArray("bootHistory");
        r.bootHistory().forEach(e -> history.addObject().put("at", e.at().toString()).put("event", e.event()).put("via", e.via()));
        n.put("lastSeen", r.lastSeen().toString());
        r.ipv4Pods().ifPresent(p -> n.put("ipv4Pods", p.toString()));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new KubermeshException("cannot encode the record of " + r.name(), e);
        }
    }

    private MachineRecord decode(KeyValue kv) {
        try {
            return decode(kv.getValue().getBytes());
        } catch (RuntimeException | IOException e) {
            throw new KubermeshException("etcd key " + kv.getKey().toString(StandardCharsets.UTF_8)
                    + " does not hold a machine record: " + e.getMessage(), e);
        }
    }

    static MachineRecord decode(byte[] bytes) throws IOException {
        JsonNode n = JSON.readTree(bytes);
        List<MachineRecord.Neighbour> neighbours = new ArrayList<>();
        n.path("neighbours").forEach(x -> neighbours.add(new MachineRecord.Neighbour(x.get("port").asInt(),
                x.get("machine").asText())));
        List<MachineRecord.BootEvent> history = new ArrayList<>();
        n.path("bootHistory").forEach(e -> history.add(new MachineRecord.BootEvent(Instant.parse(e.get("at").asText()),
                e.get("event").asText(), e.get("via").asText())));
        return new MachineRecord(n.get("name").asText(), MacAddress.parse(n.get("identity").asText()),
                n.hasNonNull("bootMac") ? Optional.of(MacAddress.parse(n.get("bootMac").asText())) : Optional.empty(),
                n.get("state").asText(), neighbours, history, Instant.parse(n.get("lastSeen").asText()),
                n.hasNonNull("ipv4Pods") ? Optional.of(Ipv4Prefix.parse(n.get("ipv4Pods").asText())) : Optional.empty());
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }
}
