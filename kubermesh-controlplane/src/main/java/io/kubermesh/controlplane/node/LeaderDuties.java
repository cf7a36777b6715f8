package io.kubermesh.controlplane.node;

import io.etcd.jetcd.Client;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.etcd.CertificateRequests;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdMaintenance;
import io.kubermesh.controlplane.etcd.EtcdMembership.Member;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leading member's agent does besides healing the membership: signs the certificate
 * requests other nodes forwarded over etcd ({@link CertificateRequests}), each only if the
 * cluster's policy allows it, making the certificate's etcd user as it goes; and reclaims space
 * when etcd raised NOSPACE. One leader at a time, so nothing is signed twice.
 */
final class LeaderDuties {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final Clock clock;
    private final Predicate<MacAddress> admitted;
    private final InetAddress anycast;

    LeaderDuties(Clock clock, Predicate<MacAddress> admitted, InetAddress anycast) {
        this.clock = clock;
        this.admitted = admitted;
        this.anycast = anycast;
    }

    /** Signs or refuses every waiting request. {@code members} is the membership now; {@code wanted} the voters wanted. */
    void sign(Client root, ClusterAuthority ca, List<Member> members, int wanted, Duration call) {
        CertificateRequests desk = new CertificateRequests(root, call);
        EtcdAccess access = new EtcdAccess(root, call);
        for (CertificateRequests.Pending p : desk.pending()) {
            try {
                Identity id = identity(p, members, wanted);
                if (id == null) {
                    desk.reject(p);
                    continue;
                }
                String cert = ca.sign(p.requestPem(), id, clock.instant());
                access.ensureUser(id.commonName(), id.isMember() ? "root" : EtcdAccess.NODE_ROLE);
                desk.answer(p, cert);
                LOG.info("pki: issued {} ({} certificate)", id.commonName(), p.kind().name().toLowerCase());
            } catch (KubermeshException e) {
                LOG.warn("pki: request for {} {}: {}", p.kind().name().toLowerCase(), p.name(), e.getMessage());
                desk.reject(p);
            }
        }
    }

    /** The identity to sign for, or null to refuse. */
    private Identity identity(CertificateRequests.Pending p, List<Member> members, int wanted) {
        if (p.kind() == CertificateRequests.Kind.NODE) {
            MacAddress mac;
            try {
                mac = MacAddress.parse(p.name());
            } catch (RuntimeException e) {
                LOG.warn("pki: refused a node certificate for {}: not a MAC", p.name());
                return null;
            }
            if (!admitted.test(mac)) {
                LOG.warn("pki: refused a node certificate for {}: not admitted by the enrolment policy", mac);
                return null;
            }
            return Identity.node(mac);
        }
        URI peer = URI.create(p.peerUrl());
        boolean listed = members.stream().anyMatch(m -> m.peerUrls().contains(peer));
        if (!listed && members.size() >= wanted) {
            LOG.info("pki: refused a member certificate for {}: {} of {} members already", p.name(), members.size(), wanted);
            return null;
        }
        try {
            InetAddress host = InetAddress.getByName(peer.getHost().replace("[", "").replace("]", ""));
            return Identity.member(p.name(), List.of(host, anycast, InetAddress.getByName("::1")));
        } catch (UnknownHostException e) {
            LOG.warn("pki: refused a member certificate for {}: peer URL {} has no address", p.name(), peer);
            return null;
        }
    }

    /** Reclaims space if a member raised NOSPACE. */
    void maintain(Client root, List<Member> members, Duration call) {
        List<URI> urls = members.stream().flatMap(m -> m.clientUrls().stream()).distinct().toList();
        new EtcdMaintenance(root, call).reclaimIfOutOfSpace(urls);
    }
}
