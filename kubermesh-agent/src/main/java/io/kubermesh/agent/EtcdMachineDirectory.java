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
 * that installed through one neighbour boots from its disk when cabled to another. Until etcd is
 * up ({@link #attach}, called by {@link ControlPlanePorts} once etcd answers at its anycast
 * address) it knows nothing and keeps nothing: each node decides from its own records. On attach
 * it publishes the records this node made before (those etcd lacks or holds behind). Every etcd
 * call waits at most the timeout; a failure is logged and answered as "not known", so a boot
 * never waits on an unreachable etcd for longer than that. Secrets are never written: only
 * {@link Machine} records go through it.
 */
public final class EtcdMachineDirectory implements MachineDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdMachineDirectory.class);

    private final Duration timeout;
    private volatile Supplier<List<Machine>> local = List::of;
    private volatile EtcdBootMachines etcd;
    private Client client;

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
        attach(url, EtcdClients.connect(List.of(url), credentials));
    }

    /** Starts sharing through a plain-HTTP etcd at {@code url} (tests of plain members). */
    public synchronized void attach(URI url) {
        if (etcd != null) {
            return;
        }
        attach(url, EtcdClients.connect(List.of(url)));
    }

    private void attach(URI url, Client c) {
        client = c;
        etcd = new EtcdBootMachines(client, EtcdBootMachines.DEFAULT_PREFIX, timeout);
        int published = 0;
        for (Machine m : local.get()) {
            Optional<Machine> shared = find(m.mac());
            if (shared.isEmpty() || shared.get().state().ordinal() < m.state().ordinal()) {
                record(m);
                published++;
            }
        }
        LOG.info("machine records shared through etcd at {} ({} local records published)", url, published);
    }

    /** True once attached to etcd. */
    public boolean attached() {
        return etcd != null;
    }

    @Override
    public Optional<Machine> find(MacAddress mac) {
        EtcdBootMachines e = etcd;
        if (e == null) {
            return Optional.empty();
        }
        try {
            return e.get(mac).map(MachineStore::fromJson);
        } catch (KubermeshException ex) {
            LOG.warn("machine directory: {}; deciding from the local record", ex.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void record(Machine machine) {
        EtcdBootMachines e = etcd;
        if (e == null) {
            return;
        }
        try {
            e.put(machine.mac(), MachineStore.toJson(machine));
        } catch (KubermeshException ex) {
            LOG.warn("machine directory: {}; kept locally only", ex.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        etcd = null;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
