package io.kubermesh.controlplane.node;

import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.controlplane.etcd.EtcdMember;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How one node takes part in the etcd cluster. Every URL is HTTPS: members serve clients and
 * peers with TLS and require a certificate of the cluster CA ({@code STATE/pki}).
 *
 * @param name the node's name, used as its etcd member name
 * @param host the node's host address: its member listens for peers there and advertises it
 * @param anycast the etcd anycast address: how the node reaches the cluster when it asks
 * @param clientPort etcd's client port (the etcd service's port, 2379)
 * @param stateDirectory the node's state directory; etcd's data goes to {@code etcd/data} in it,
 *     its credentials are in {@code pki}
 * @param bootstrap true on the one node that starts a new one-member cluster when it has no data
 * @param controlPlane how many voters, and how long a lost member is waited for
 * @param clusterToken etcd's initial cluster token (the cluster's name keeps two labs apart)
 * @param heartbeat raft heartbeat interval
 * @param electionTimeout raft election timeout
 * @param tick how often the node looks at the membership
 * @param quotaBytes each member's backend quota
 */
public record EtcdNodeSettings(String name, Ipv6Address host, Ipv6Address anycast, int clientPort, Path stateDirectory,
                               boolean bootstrap, ControlPlaneSpec controlPlane, String clusterToken, Duration heartbeat,
                               Duration electionTimeout, Duration tick, long quotaBytes) {
    /** etcd's peer port. */
    public static final int PEER_PORT = 2380;

    public EtcdNodeSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(anycast, "anycast");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(controlPlane, "controlPlane");
    }

    /** With etcd's default quota. */
    public EtcdNodeSettings(String name, Ipv6Address host, Ipv6Address anycast, int clientPort, Path stateDirectory,
                            boolean bootstrap, ControlPlaneSpec controlPlane, String clusterToken, Duration heartbeat,
                            Duration electionTimeout, Duration tick) {
        this(name, host, anycast, clientPort, stateDirectory, bootstrap, controlPlane, clusterToken, heartbeat,
                electionTimeout, tick, EtcdMember.Spec.DEFAULT_QUOTA);
    }

    public URI clientUrl() {
        return url(host, clientPort);
    }

    public URI peerUrl() {
        return url(host, PEER_PORT);
    }

    public URI anycastUrl() {
        return url(anycast, clientPort);
    }

    /** Every address of the node's namespace, so clients that reach it through the anycast /128 are served. */
    public URI listenUrl() {
        return URI.create("https://[::]:" + clientPort);
    }

    public Path dataDirectory() {
        return stateDirectory.resolve("etcd").resolve("data");
    }

    private static URI url(Ipv6Address a, int port) {
        return URI.create("https://[" + a + "]:" + port);
    }
}
