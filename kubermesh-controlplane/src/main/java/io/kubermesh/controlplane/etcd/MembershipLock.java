package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubermesh.api.KubermeshException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one lock every membership change is made under, so that exactly one agent changes etcd's
 * membership at a time: a key created in a transaction only if it does not exist, attached to a
 * lease. Releasing revokes the lease (the key goes with it); an agent that dies holding it loses
 * it when the lease runs out.
 */
public final class MembershipLock {
    /** The lock's key. */
    public static final String KEY = "/kubermesh/controlplane/membership-lock";

    private final Client client;
    private final Duration ttl;
    private final Duration timeout;

    /**
     * @param ttl how long the lock outlives a holder that died (the longest change must fit in it)
     * @param timeout how long one etcd call may take
     */
    public MembershipLock(Client client, Duration ttl, Duration timeout) {
        this.client = client;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    /** A held lock; closing it releases it. */
    public final class Held implements AutoCloseable {
        private final long lease;

        private Held(long lease) {
            this.lease = lease;
        }

        @Override
        public void close() {
            try {
                await(client.getLeaseClient().revoke(lease), "release the membership lock");
            } catch (KubermeshException e) {
                // The lease runs out on its own.
            }
        }
    }

    /** Takes the lock for {@code holder} if nobody holds it; empty if somebody does. */
    public Optional<Held> tryAcquire(String holder) {
        long lease = await(client.getLeaseClient().grant(Math.max(1, ttl.toSeconds())), "grant a lease").getID();
        ByteSequence key = ByteSequence.from(KEY, StandardCharsets.UTF_8);
        TxnResponse r;
        try {
            r = await(client.getKVClient().txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, ByteSequence.from(holder, StandardCharsets.UTF_8),
                            PutOption.builder().withLeaseId(lease).build()))
                    .commit(), "take the membership lock");
        } catch (KubermeshException e) {
            new Held(lease).close();
            throw e;
        }
        if (!r.isSucceeded()) {
            new Held(lease).close();
            return Optional.empty();
        }
        return Optional.of(new Held(lease));
    }

    /** Who holds the lock now, if anybody. */
    public Optional<String> holder() {
        var r = await(client.getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8)), "read the membership lock");
        return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }
}
