package io.kubermesh.controlplane.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubermesh.api.AllocationException;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.AllocationStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * An {@link AllocationStore} in etcd: one key per pool, {@code PREFIX + pool}, whose value is the
 * table as a JSON object. A pool's version is the key's mod revision (0 when the key is absent),
 * and a compare-and-set is one etcd transaction: if the key's mod revision is still the expected
 * one (or, for version 0, the key does not exist), put the new table. etcd serialises
 * transactions through raft, so of concurrent writers on one version exactly one succeeds, from
 * any client of any member.
 */
public final class EtcdAllocationStore implements AllocationStore {
    /** The key prefix used when none is given. */
    public static final String DEFAULT_PREFIX = "/kubermesh/allocations/";

    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> TABLE = new TypeReference<>() { };

    private final Client client;
    private final boolean ownsClient;
    private final String prefix;
    private final Duration timeout;

    /**
     * A store on a client the caller keeps and closes.
     *
     * @param prefix the key prefix every pool's key starts with
     * @param timeout how long one read or transaction may take before it is reported as an error
     */
    public EtcdAllocationStore(Client client, String prefix, Duration timeout) {
        this(client, false, prefix, timeout);
    }

    private EtcdAllocationStore(Client client, boolean ownsClient, String prefix, Duration timeout) {
        if (prefix == null || prefix.isEmpty()) {
            throw new ConfigurationException("etcd key prefix", prefix, "a non-empty key prefix like " + DEFAULT_PREFIX);
        }
        this.client = client;
        this.ownsClient = ownsClient;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /** A store with its own client on {@code endpoints} (closed with the store), ten-second timeout. */
    public static EtcdAllocationStore connect(List<URI> endpoints, String prefix) {
        Client client = EtcdClients.connect(endpoints);
        return new EtcdAllocationStore(client, true, prefix, Duration.ofSeconds(10));
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public Snapshot read(String pool) {
        ByteSequence key = key(pool);
        GetResponse response = await(kv().get(key), "read pool " + pool);
        if (response.getKvs().isEmpty()) {
            return Snapshot.EMPTY;
        }
        KeyValue kv = response.getKvs().get(0);
        return new Snapshot(kv.getModRevision(), decode(pool, kv.getValue()));
    }

    @Override
    public boolean compareAndSet(String pool, long expectedVersion, Map<String, String> entries) {
        if (expectedVersion < 0) {
            return false;
        }
        ByteSequence key = key(pool);
        // A key that does not exist has version 0; one that does has mod revision > 0.
        Cmp condition = expectedVersion == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion));
        ByteSequence value = encode(entries);
        TxnResponse response = await(kv().txn().If(condition).Then(Op.put(key, value, PutOption.DEFAULT)).commit(),
                "write pool " + pool);
        return response.isSucceeded();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private KV kv() {
        return client.getKVClient();
    }

    private ByteSequence key(String pool) {
        if (pool == null || !POOL.matcher(pool).matches()) {
            throw new ConfigurationException("pool", pool, "a pool name of lower-case letters, digits, '.' and '-'");
        }
        return ByteSequence.from(prefix + pool, StandardCharsets.UTF_8);
    }

    private static ByteSequence encode(Map<String, String> entries) {
        try {
            return ByteSequence.from(JSON.writeValueAsBytes(new TreeMap<>(entries)));
        } catch (JsonProcessingException e) {
            throw new AllocationException("cannot encode an allocation table: " + e.getMessage(), e);
        }
    }

    private Map<String, String> decode(String pool, ByteSequence value) {
        try {
            return JSON.readValue(value.getBytes(), TABLE);
        } catch (java.io.IOException e) {
            throw new AllocationException("etcd key " + prefix + pool + " does not hold an allocation table: "
                    + e.getMessage(), e);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new AllocationException("interrupted while waiting for etcd to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new AllocationException("etcd could not " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AllocationException("etcd did not " + what + " within " + timeout, e);
        }
    }
}
