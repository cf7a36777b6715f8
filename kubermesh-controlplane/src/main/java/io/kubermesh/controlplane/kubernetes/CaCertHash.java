package io.kubermesh.controlplane.kubernetes;

import io.kubermesh.api.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The kubeadm CA pin: {@code sha256:} and the hex SHA-256 of the CA certificate's
 * SubjectPublicKeyInfo (DER), what {@code kubeadm join --discovery-token-ca-cert-hash} checks.
 */
public final class CaCertHash {
    private CaCertHash() {
    }

    /** The pin of a certificate. */
    public static String of(X509Certificate ca) {
        try {
            // getEncoded() of an X.509 public key is its SubjectPublicKeyInfo in DER.
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.getPublicKey().getEncoded());
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The pin of a PEM certificate (the apiserver's {@code ca.crt}). */
    public static String ofPem(String pem) {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            return of((X509Certificate) f.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        } catch (CertificateException | ClassCastException e) {
            throw new ConfigurationException("CA certificate", pem.length() > 40 ? pem.substring(0, 40) + "..." : pem,
                    "a PEM X.509 certificate (" + e.getMessage() + ")");
        }
    }
}
