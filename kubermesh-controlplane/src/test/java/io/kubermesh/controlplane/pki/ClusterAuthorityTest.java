package io.kubermesh.controlplane.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
    private static final ClusterAuthority CA = ClusterAuthority.create("lab", NOW);

    @TempDir
    Path tmp;

    @Test
    void theCaIsAPathLengthZeroCaThatSurvivesItsPemForm() throws Exception {
        X509Certificate c = CA.certificate();
        assertThat(c.getBasicConstraints()).isZero();
        assertThat(c.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(c.getSubjectX500Principal().getName()).contains("kubermesh lab cluster CA");
        ClusterAuthority again = ClusterAuthority.fromPem(CA.certificatePem(), CA.keyPem());
        assertThat(again.certificate()).isEqualTo(c);
        // The restored CA signs certificates that chain to the original.
        NodeCredentials n = again.issue(Identity.node(MacAddress.parse("52:54:00:00:05:00")), NOW);
        assertThat(n.signedBy(c)).isTrue();
        assertThat(CA.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void aNodeCertificateNamesTheMachineAndValidatesAgainstTheCaOnly() throws Exception {
        NodeCredentials n = CA.issue(Identity.node(MacAddress.parse("52:54:00:00:05:00")), NOW);
        assertThat(n.commonName()).isEqualTo("node:52:54:00:00:05:00");
        X509Certificate c = n.certificate();
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(c.getSubjectAlternativeNames()).isNull();
        assertThat(validates(c, CA.certificate())).isTrue();
        assertThat(validates(c, ClusterAuthority.create("other", NOW).certificate())).isFalse();
        assertThat(n.toString()).doesNotContain("PRIVATE").contains("redacted");
        assertThat(n.key().getAlgorithm()).isEqualTo("EC");
        // Each issue is a new key and a new serial.
        NodeCredentials m = CA.issue(Identity.node(MacAddress.parse("52:54:00:00:05:00")), NOW);
        assertThat(m.keyPem()).isNotEqualTo(n.keyPem());
        assertThat(m.certificate().getSerialNumber()).isNotEqualTo(c.getSerialNumber());
    }

    @Test
    void aMemberCertificateNamesItsAddressesAndTheEtcdServerName() throws Exception {
        InetAddress host = InetAddress.getByName("2001:db8::a4:a800:d600:0");
        InetAddress anycast = InetAddress.getByName("fd65:7b9c:569:680:98eb:c508:ea6b:b0b2");
        NodeCredentials m = CA.issue(Identity.member("gateway", List.of(host, anycast)), NOW);
        assertThat(m.commonName()).isEqualTo("member:gateway");
        assertThat(m.certificate().getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains(Identity.ETCD_SERVER_NAME, host.getHostAddress(), anycast.getHostAddress());
    }

    @Test
    void aRequestIsSignedForTheIdentityTheIssuerChoseAndOnlyWithProofOfTheKey() {
        ClusterAuthority.Request r = ClusterAuthority.request(new Identity("member:evil", List.of(), List.of()));
        String pem = CA.sign(r.requestPem(), Identity.node(MacAddress.parse("52:54:00:00:05:01")), NOW);
        NodeCredentials n = NodeCredentials.of(CA.certificatePem(), pem, r);
        assertThat(n.commonName()).isEqualTo("node:52:54:00:00:05:01");
        assertThat(n.certificate().getPublicKey()).isEqualTo(Pem.parseRequestKey(r.requestPem()));
        assertThat(r.toString()).doesNotContain("PRIVATE");
        // A request whose signature does not match its key: refused.
        ClusterAuthority.Request other = ClusterAuthority.request(Identity.node(MacAddress.parse("52:54:00:00:05:02")));
        String forged = swapKey(r.requestPem(), other.requestPem());
        assertThatThrownBy(() -> CA.sign(forged, Identity.node(MacAddress.parse("52:54:00:00:05:02")), NOW))
                .isInstanceOf(KubermeshException.class);
        assertThatThrownBy(() -> CA.sign("not pem", Identity.node(MacAddress.parse("52:54:00:00:05:02")), NOW))
                .isInstanceOf(KubermeshException.class);
    }

    @Test
    void credentialsAreWrittenOwnerOnlyAndReadBack() throws Exception {
        NodeCredentials n = CA.issue(Identity.node(MacAddress.parse("52:54:00:00:05:00")), NOW);
        Path dir = tmp.resolve("pki");
        n.write(dir, PkiFiles.NODE);
        assertThat(NodeCredentials.present(dir, PkiFiles.NODE)).isTrue();
        assertThat(NodeCredentials.read(dir, PkiFiles.NODE)).isEqualTo(n);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        for (String f : List.of("ca.crt", "node.crt", "node.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
        }
        assertThat(n.sslContext().getProtocol()).isEqualTo("TLSv1.3");
    }

    /** The public key of a request with the signature of another: a request without proof of possession. */
    private static String swapKey(String keyFrom, String signatureFrom) {
        return Pem.request(Pem.withKeyOf(Pem.parseRequest(signatureFrom, "a"), Pem.parseRequest(keyFrom, "b")));
    }

    private static boolean validates(X509Certificate c, X509Certificate anchor) throws Exception {
        PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        p.setRevocationEnabled(false);
        p.setDate(Date.from(NOW));
        try {
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(c)), p);
            return true;
        } catch (java.security.cert.CertPathValidatorException e) {
            return false;
        }
    }
}
