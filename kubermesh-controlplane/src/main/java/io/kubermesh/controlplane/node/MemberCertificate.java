package io.kubermesh.controlplane.node;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.etcd.CertificateRequests;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's etcd member certificate ({@code STATE/pki/member.crt}, CN {@code member:NAME}, for
 * its host address, the anycast address and loopback) and the cluster CA that signs members: the
 * bootstrap node signs its own with the CA on its disk; any other node asks the leading member
 * for one over etcd ({@link CertificateRequests}) with its node certificate. Used from the etcd
 * node's thread only.
 */
final class MemberCertificate {
    private static final Logger LOG = LoggerFactory.getLogger(MemberCertificate.class);
    /** How long a member certificate request may stay unanswered before it is made again. */
    private static final Duration REQUEST_PATIENCE = Duration.ofSeconds(30);

    private final EtcdNodeSettings settings;
    private final Clock clock;
    private final NodeCredentials node;
    private final Duration call;
    private ClusterAuthority authority;
    private CertificateRequests.Pending request;
    private ClusterAuthority.Request key;
    private long requestedAt;

    MemberCertificate(EtcdNodeSettings settings, Clock clock, NodeCredentials node, Duration call) {
        this.settings = settings;
        this.clock = clock;
        this.node = node;
        this.call = call;
    }

    private Path pki() {
        return PkiFiles.directory(settings.stateDirectory());
    }

    boolean present() {
        return NodeCredentials.present(pki(), PkiFiles.MEMBER);
    }

    NodeCredentials read() {
        return NodeCredentials.read(pki(), PkiFiles.MEMBER);
    }

    /** The member identity of this node: its host address, the anycast address, loopback. */
    private Identity identity() {
        try {
            return Identity.member(settings.name(), List.of(InetAddress.getByName(settings.host().toString()),
                    InetAddress.getByName(settings.anycast().toString()), InetAddress.getByName("::1")));
        } catch (UnknownHostException e) {
            throw new KubermeshException("bad address: " + e.getMessage(), e);
        }
    }

    /** The bootstrap node signs its own member certificate with the CA on its disk. */
    void issueOwn(Supplier<Client> memberClient) {
        if (!present()) {
            authority(memberClient).issue(identity(), clock.instant()).write(pki(), PkiFiles.MEMBER);
        }
    }

    /**
     * The cluster CA: from this node's disk (the first machine), else from etcd through
     * {@code memberClient} (members only may read it there).
     */
    ClusterAuthority authority(Supplier<Client> memberClient) {
        if (authority == null) {
            Path state = settings.stateDirectory();
            if (Files.isRegularFile(PkiFiles.caKey(state))) {
                authority = ClusterAuthority.fromPem(NodeCredentials.readText(PkiFiles.caCertificate(state)),
                        NodeCredentials.readText(PkiFiles.caKey(state)));
            } else {
                var kv = memberClient.get().getKVClient();
                String cert = value(EtcdClients.await(kv.get(bytes(EtcdAccess.CA_PREFIX + "certificate")), call, "read the CA"));
                String key = value(EtcdClients.await(kv.get(bytes(EtcdAccess.CA_PREFIX + "key")), call, "read the CA key"));
                authority = ClusterAuthority.fromPem(cert, key);
            }
        }
        return authority;
    }

    /**
     * True once this node holds a member certificate; until then asks the leader for one through
     * {@code nodeClient} (and gives a request up after {@link #REQUEST_PATIENCE}: the leader
     * refuses when the cluster has enough members).
     */
    boolean obtain(Supplier<Client> nodeClient) {
        if (present()) {
            return true;
        }
        CertificateRequests desk = new CertificateRequests(nodeClient.get(), call);
        if (request != null) {
            Optional<String> cert = desk.issued(request);
            if (cert.isPresent()) {
                NodeCredentials c = NodeCredentials.of(node.caPem(), cert.get(), key);
                if (!c.signedBy(node.ca())) {
                    throw new KubermeshException("the member certificate issued for " + settings.name()
                            + " is not signed by this node's cluster CA (" + pki()
                            + "/ca.crt): the leading member holds another CA; every node must hold the cluster's");
                }
                c.write(pki(), PkiFiles.MEMBER);
                LOG.info("etcd: member certificate {} issued", c.commonName());
                request = null;
                return true;
            }
            if (clock.millis() - requestedAt < REQUEST_PATIENCE.toMillis()) {
                return false;
            }
        }
        key = ClusterAuthority.request(identity());
        request = desk.submit(CertificateRequests.Kind.MEMBER, settings.name(), Long.toHexString(clock.millis()),
                key.requestPem(), settings.peerUrl().toString());
        requestedAt = clock.millis();
        LOG.info("etcd: asked the leader for a member certificate for {}", settings.name());
        return false;
    }

    private static String value(GetResponse r) {
        return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
                .orElseThrow(() -> new KubermeshException("the cluster CA is not in etcd at " + EtcdAccess.CA_PREFIX
                        + ": the bootstrap member shares it there once it turned authentication on; check that the"
                        + " first machine's agent reached that point (etcd/auth-enabled in its state directory)"));
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
