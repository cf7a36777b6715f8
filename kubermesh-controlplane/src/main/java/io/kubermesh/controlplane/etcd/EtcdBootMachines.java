package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
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
 * bounded wait so a boot never hangs on an unreachable etcd (a {@link KubermeshException} then).
 * Writes are compare-and-set on the key's mod revision: of two nodes writing one machine from
 * the same read, one wins and the other learns it lost.
 */
public final class EtcdBootMachines {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "/kubermesh/boot/machines/";

    /** A record and its mod revision (the version a compare-and-set names). */
    public record Versioned(String json, long modRevision) {
    }

    private final Client client;
    private final String prefix;
    private final Duration timeout;

    public EtcdBootMachines(Client client, String prefix, Duration timeout) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /** The record of the machine that netbooted with {@code mac}, if there is one, with its version. */
    public Optional<Versioned> get(MacAddress mac) {
        List<KeyValue> kvs = await(client.getKVClient().get(key(mac)), "read the boot record of " + mac).getKvs();
        return kvs.isEmpty() ? Optional.empty()
                : Optional.of(new Versioned(kvs.get(0).getValue().toString(StandardCharsets.UTF_8),
                        kvs.get(0).getModRevision()));
    }

    /**
     * Writes the record of {@code mac} if it is still at {@code expectedModRevision} (0: it must not
     * exist yet); false when another writer changed it first.
     */
    public boolean compareAndSet(MacAddress mac, String json, long expectedModRevision) {
        ByteSequence key = key(mac);
        Cmp unchanged = expectedModRevision == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse r = await(client.getKVClient().txn().If(unchanged)
                .Then(Op.put(key, ByteSequence.from(json, StandardCharsets.UTF_8), PutOption.DEFAULT)).commit(),
                "write the boot record of " + mac);
        return r.isSucceeded();
    }

    private ByteSequence key(MacAddress mac) {
        return ByteSequence.from(prefix + mac, StandardCharsets.UTF_8);
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }
}
