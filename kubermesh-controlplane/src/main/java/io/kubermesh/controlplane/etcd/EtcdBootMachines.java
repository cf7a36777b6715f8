package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the boot services know about each machine, in etcd under {@code PREFIX + boot MAC}, so any
 * neighbour can serve a machine that moved to another port once etcd is up. A sibling of
 * {@link EtcdMachineRecords}: those are keyed by a running node's identity and mirrored into
 * Kubernetes, these by the MAC that netbooted, before the machine has an identity. The value is
 * the boot service's own JSON record (it holds no secret); this class only stores it, with a
 * bounded wait so a boot never hangs on an unreachable etcd. The last write wins.
 */
public final class EtcdBootMachines {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "/kubermesh/boot/machines/";

    private final Client client;
    private final String prefix;
    private final Duration timeout;

    public EtcdBootMachines(Client client, String prefix, Duration timeout) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /** The record of the machine that netbooted with {@code mac}, if there is one. */
    public Optional<String> get(MacAddress mac) {
        List<KeyValue> kvs = await(client.getKVClient().get(key(mac)), "read the boot record of " + mac).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
    }

    /** Writes (creates or replaces) the record of {@code mac}. */
    public void put(MacAddress mac, String json) {
        await(client.getKVClient().put(key(mac), ByteSequence.from(json, StandardCharsets.UTF_8)),
                "write the boot record of " + mac);
    }

    private ByteSequence key(MacAddress mac) {
        return ByteSequence.from(prefix + mac, StandardCharsets.UTF_8);
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }
}
