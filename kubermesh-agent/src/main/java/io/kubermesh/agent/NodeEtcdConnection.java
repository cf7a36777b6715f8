package io.kubermesh.agent;

import io.etcd.jetcd.Client;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This node's connection to etcd at the cluster's etcd anycast address, made with the node
 * certificate on first use and dropped after a failed call, so the next call connects again
 * (the nearest holder of the anycast address may change between calls).
 */
final class NodeEtcdConnection implements AutoCloseable {
    private final Optional<URI> etcd;
    private final Path state;
    private Client client;

    NodeEtcdConnection(AddressPlan plan, Path state) {
        this.state = state;
        this.etcd = plan.anycast().stream().filter(s -> s.name().equals(ControlPlanePorts.SERVICE))
                .findFirst().map(s -> URI.create("https://[" + s.address() + "]:" + s.port()));
    }

    /** The etcd anycast endpoint, or a failure saying the cluster file has none. */
    URI endpoint() {
        return etcd.orElseThrow(() -> new KubermeshException("the cluster file lists no anycast service named \""
                + ControlPlanePorts.SERVICE + "\", so this node cannot reach etcd to enrol machines or record decisions;"
                + " add a service named " + ControlPlanePorts.SERVICE + " under anycast: in the cluster file and restart the agents"));
    }

    synchronized Client client() {
        if (client == null) {
            client = EtcdClients.connect(List.of(endpoint()), NodeCredentials.read(PkiFiles.directory(state), PkiFiles.NODE));
        }
        return client;
    }

    /** Forgets the connection after a failed call. */
    synchronized void drop() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        drop();
    }
}
