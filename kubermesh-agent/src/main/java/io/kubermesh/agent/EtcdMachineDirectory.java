package io.kubermesh.agent;

import io.etcd.jetcd.Client;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineDirectory;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.controlplane.etcd.EtcdBootMachines;
import io.kubermesh.controlplane.etcd.EtcdClients;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot services' machine records shared through etcd ({@link EtcdBootMachines}), so a machine
 * that installed through one neighbour boots from its disk when cabled to another, and one
 * machine is never owned by two ports. Until etcd is up ({@link #attach}, called by
 * {@link ControlPlanePorts} once etcd answers at its anycast address) it knows nothing and takes
 * every write: each node decides from its own records. On attach it publishes the records this
 * node made before (those etcd lacks or holds behind). Once attached, every etcd call waits at
 * most the timeout and a failure is thrown, so the boot request that needed it fails and the
 * machine asks again, instead of this node deciding from a record etcd may contradict. Writes are
 * compare-and-set on the version read. Secrets are never written: only {@link Machine} records go
 * through it.
 *
 * <p>A failed call drops the etcd connection and makes a new one (at most once per
 * {@link #RECONNECT_EVERY}): gRPC backs off its reconnects exponentially, up to two minutes, so
 * after etcd (or the route to its anycast address) was gone for a while the old connection kept
 * failing every call long after etcd was back, and boots got 503 for that long. A new connection
 * also reaches whichever holder of the anycast address is nearest now.
 *
 * <p>A fresh connection is made ready in the background ({@link #WARM_UP}: one read with a
 * longer deadline), and no failure drops it while it is getting ready. On a loaded node (three
 * TCG VMs on two cores in LibvirtLabIT) the TLS handshake and the first read of a fresh
 * connection took longer than a boot request's timeout: every request failed, dropped the
 * connection it had just begun, and the next began again, so a replacement machine got 503 for
 * more than four minutes while etcd was healthy.
 */
public final class EtcdMachineDirectory implements MachineDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdMachineDirectory.class);

    /** The least time between two fresh connections made after failures. */
    static final Duration RECONNECT_EVERY = Duration.ofSeconds(2);
    /** The longest a fresh connection is given to get ready before a failure may drop it. */
    static final Duration WARM_UP = Duration.ofSeconds(10);
    /** A MAC no NIC has (locally administered, all zero otherwise): the warm-up reads its record. */
    private static final MacAddress WARM_UP_MAC = MacAddress.parse("02:00:00:00:00:00");

    private final Duration timeout;
    private volatile Supplier<List<Machine>> local = List::of;
    private volatile EtcdBootMachines etcd;
    private Client client;
    private Supplier<Client> connect;
    private long connectedAt;
    private int reconnects;
    /** The fresh connection being made ready, or null. */
    private Client warming;
    /** How the last warm-up ended ("ready", or why not); empty before the first. */
    private Optional<String> lastWarmUp = Optional.empty();

    /** @param timeout the longest a boot waits on etcd for one read or write */
    public EtcdMachineDirectory(Duration timeout) {
        this.timeout = timeout;
    }

    /** This node's own records, published when etcd comes up. */
    public void localRecords(Supplier<List<Machine>> records) {
        this.local = records;
    }

    /** Starts sharing through the etcd at {@code url} (the etcd anycast address) as {@code credentials}; once only. */
    public synchronized void attach(URI url, io.kubermesh.controlplane.pki.NodeCredentials credentials) {
        if (etcd != null) {
            return;
        }
        attach(url, () -> EtcdClients.connect(List.of(url), credentials));
    }

    /** Starts sharing through a plain-HTTP etcd at {@code url} (tests of plain members). */
    public synchronized void attach(URI url) {
        if (etcd != null) {
            return;
        }
        attach(url, () -> EtcdClients.connect(List.of(url)));
    }

    private void attach(URI url, Supplier<Client> connector) {
        connect = connector;
        client = connector.get();
        connectedAt = System.nanoTime();
        etcd = new EtcdBootMachines(client, EtcdBootMachines.DEFAULT_PREFIX, timeout);
        int published = 0;
        for (Machine m : local.get()) {
            try {
                Optional<Versioned> shared = find(m.mac());
                if ((shared.isEmpty() || shared.get().machine().state().ordinal() < m.state().ordinal())
                        && compareAndSet(m, shared.map(Versioned::version).orElse(0L))) {
                    published++;
                }
            } catch (KubermeshException e) {
                LOG.warn("machine directory: could not publish {}: {}", m.mac(), e.getMessage());
            }
        }
        LOG.info("machine records shared through etcd at {} ({} local records published)", url, published);
    }

    /** True once attached to etcd. */
    public boolean attached() {
        return etcd != null;
    }

    @Override
    public Optional<Versioned> find(MacAddress mac) {
        EtcdBootMachines e = etcd;
        if (e == null) {
            return Optional.empty();
        }
        try {
            return e.get(mac).map(v -> new Versioned(MachineStore.fromJson(v.json()), v.modRevision()));
        } catch (KubermeshException failed) {
            reconnectAfter(failed);
            throw failed;
        }
    }

    @Override
    public boolean compareAndSet(Machine machine, long expectedVersion) {
        EtcdBootMachines e = etcd;
        if (e == null) {
            return true;
        }
        try {
            return e.compareAndSet(machine.mac(), MachineStore.toJson(machine), expectedVersion);
        } catch (KubermeshException failed) {
            reconnectAfter(failed);
            throw failed;
        }
    }

    /** How many fresh connections failures made (for tests and logs). */
    public synchronized int reconnects() {
        return reconnects;
    }

    /** How the last warm-up of a fresh connection ended: "ready", or why not; empty before the first. */
    synchronized Optional<String> lastWarmUp() {
        return lastWarmUp;
    }

    private synchronized void reconnectAfter(KubermeshException failure) {
        if (etcd == null || warming != null || System.nanoTime() - connectedAt < RECONNECT_EVERY.toNanos()) {
            return;
        }
        Client old = client;
        client = connect.get();
        connectedAt = System.nanoTime();
        etcd = new EtcdBootMachines(client, EtcdBootMachines.DEFAULT_PREFIX, timeout);
        reconnects++;
        if (reconnects == 1 || reconnects % 30 == 0) {
            LOG.info("machine directory: etcd call failed ({}); connecting again ({} time(s) so far)",
                    failure.getMessage(), reconnects);
        }
        old.close();
        Client fresh = client;
        warming = fresh;
        Thread t = new Thread(() -> warmUp(fresh), "machine-directory-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** One read on {@code fresh} with the warm-up's deadline; afterwards failures may drop it again. */
    private void warmUp(Client fresh) {
        long t0 = System.nanoTime();
        String outcome;
        try {
            new EtcdBootMachines(fresh, EtcdBootMachines.DEFAULT_PREFIX, WARM_UP).get(WARM_UP_MAC);
            outcome = "ready";
        } catch (RuntimeException e) {
            outcome = "not ready (" + e.getMessage() + ")";
        }
        synchronized (this) {
            if (warming == fresh) {
                warming = null;
            }
            lastWarmUp = Optional.of(outcome);
            if (reconnects == 1 || reconnects % 30 == 0) {
                LOG.info("machine directory: the fresh etcd connection is {} after {} ms", outcome,
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    @Override
    public String toString() {
        return "etcd" + (etcd == null ? " (not attached yet)" : "");
    }

    @Override
    public synchronized void close() {
        etcd = null;
        warming = null;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
