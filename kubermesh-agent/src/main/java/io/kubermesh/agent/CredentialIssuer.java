package io.kubermesh.agent;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Ignition;
import io.kubermesh.controlplane.etcd.CertificateRequests;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials of an admitted machine: a new key made here, its certificate signed by the
 * leading etcd member through a request forwarded over etcd (or, with etcd off, by this node's
 * CA when it holds the key), the cluster CA certificate and the routing key. The key exists only
 * in the answer: nothing here keeps it, so it is delivered once.
 *
 * <p>What a machine's Ignition config carries, each file mode 0600, under
 * {@value PkiFiles#IGNITION_DIRECTORY}: {@code ca.crt}, {@code node.crt} (CN {@code node:MAC}),
 * {@code node.key}, {@code routing.key}.
 */
final class CredentialIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialIssuer.class);
    /**
     * How long a booting machine's Ignition request waits for its certificate: less than a boot
     * client's read timeout (the lab firmware's 20 s), so it gets a 503 to retry rather than a timeout.
     */
    private static final Duration ISSUE_WAIT = Duration.ofSeconds(15);

    private final NodeEtcdConnection etcd;
    private final Path state;
    private final Clock clock;
    private final Duration call;
    private final boolean controlPlane;

    CredentialIssuer(NodeEtcdConnection etcd, Path state, Clock clock, Duration call, boolean controlPlane) {
        this.etcd = etcd;
        this.state = state;
        this.clock = clock;
        this.call = call;
        this.controlPlane = controlPlane;
    }

    List<Ignition.File> issue(MacAddress mac) {
        if (!controlPlane) {
            if (!Files.isRegularFile(PkiFiles.caKey(state))) {
                throw new KubermeshException("cannot issue credentials for " + mac + ": the cluster runs no etcd"
                        + " (controlPlane.etcdMembers: 0) and this node holds no CA key (" + PkiFiles.caKey(state)
                        + "); boot the machine from the first machine, which holds it");
            }
            // No etcd to forward a request through: the first machine, which alone holds the CA
            // key, signs for the machines plugged into it.
            ClusterAuthority ca = ClusterAuthority.fromPem(text(PkiFiles.caCertificate(state)), text(PkiFiles.caKey(state)));
            NodeCredentials issued = ca.issue(Identity.node(mac), clock.instant());
            LOG.info("enrolment: credentials for {} issued by this node's CA (no control plane)", mac);
            return files(issued);
        }
        NodeCredentials mine = NodeCredentials.read(PkiFiles.directory(state), PkiFiles.NODE);
        ClusterAuthority.Request request = ClusterAuthority.request(Identity.node(mac));
        long deadline = System.nanoTime() + ISSUE_WAIT.toNanos();
        CertificateRequests.Pending p = submit(mac, request, deadline);
        String cert = await(mac, p, deadline + Duration.ofSeconds(2).toNanos());
        NodeCredentials issued = NodeCredentials.of(mine.caPem(), cert, request);
        if (!issued.signedBy(mine.ca()) || !issued.commonName().equals(Identity.node(mac).commonName())) {
            throw new KubermeshException("the certificate issued for " + mac + " is not the cluster CA's for it"
                    + " (CN " + issued.commonName() + "); an etcd member signs with another CA than this node's ca.crt:"
                    + " check that every node holds the same cluster CA");
        }
        LOG.info("enrolment: credentials for {} issued ({}), delivered in its Ignition config", mac, issued.commonName());
        return files(issued);
    }

    /**
     * Puts the request until etcd takes it: the nearest holder of the etcd anycast address may be
     * a learner for a few seconds (it answers /health but refuses writes).
     */
    private CertificateRequests.Pending submit(MacAddress mac, ClusterAuthority.Request request, long deadline) {
        while (true) {
            try {
                return new CertificateRequests(etcd.client(), call).submit(CertificateRequests.Kind.NODE, mac.toString(),
                        Long.toHexString(clock.millis()) + Long.toHexString(System.nanoTime()), request.requestPem(), null);
            } catch (KubermeshException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                etcd.drop();
                sleep(500);
            }
        }
    }

    /**
     * Reads the answer until it comes; a read etcd refuses now (its holder changing, its users
     * being made) is asked again on a new connection until {@code end}.
     */
    private String await(MacAddress mac, CertificateRequests.Pending p, long end) {
        KubermeshException last = null;
        while (true) {
            try {
                var cert = new CertificateRequests(etcd.client(), call).issued(p);
                if (cert.isPresent()) {
                    return cert.get();
                }
            } catch (KubermeshException e) {
                last = e;
                etcd.drop();
            }
            if (System.nanoTime() > end) {
                throw new KubermeshException("no certificate for " + mac + " within " + ISSUE_WAIT.toSeconds()
                        + " s: no etcd leader signed the request (is a member up and leading? kubermesh status shows"
                        + " etcd on each node); the machine asks again on its next boot attempt"
                        + (last == null ? "" : "; last error: " + last.getMessage()));
            }
            sleep(50); // the leader answers as soon as its watch sees the request (RequestWatch)
        }
    }

    private List<Ignition.File> files(NodeCredentials issued) {
        String dir = PkiFiles.IGNITION_DIRECTORY + "/";
        return List.of(new Ignition.File(dir + "ca.crt", 0600, issued.caPem()),
                new Ignition.File(dir + "node.crt", 0600, issued.certificatePem()),
                new Ignition.File(dir + "node.key", 0600, issued.keyPem()),
                new Ignition.File(dir + "routing.key", 0600, text(PkiFiles.routingKey(state))));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted while asking for a certificate", e);
        }
    }

    private static String text(Path file) {
        return NodeCredentials.readText(file);
    }
}
