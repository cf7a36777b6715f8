package io.kubermesh.controlplane.pki;

import io.kubermesh.api.KubermeshException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The cluster's certificate authority (ARCHITECTURE.md, "Trust"): an ECDSA P-256 key and a
 * self-signed CA certificate, made once by the first machine when it is deployed. It signs the
 * certificate of every enrolled machine and of every etcd member, and nothing else (path length
 * 0). Keys are generated and signatures made with the JDK's own providers; Bouncy Castle only
 * builds and parses the X.509 and PKCS#10 structures the JDK has no public API for.
 */
public final class ClusterAuthority {
    /** How long the CA is valid: longer than any cluster's hardware lives. */
    static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
    /** How long a machine's certificate is valid; revocation, not expiry, is how trust is taken back. */
    static final Duration CERT_VALIDITY = Duration.ofDays(5 * 365);
    /** Clock skew allowed between the issuer and the machines that check a new certificate. */
    static final Duration BACKDATE = Duration.ofMinutes(10);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA for the cluster named {@code cluster}. */
    public static ClusterAuthority create(String cluster, Instant now) {
        KeyPair pair = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "kubermesh")
                .addRDN(BCStyle.CN, "kubermesh " + cluster + " cluster CA").build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new ClusterAuthority(convert(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new KubermeshException("cannot create the cluster CA: " + e.getMessage(), e);
        }
    }

    /** The CA from its PEM certificate and key (as kept on the first machine's disk and in etcd for members). */
    public static ClusterAuthority fromPem(String certificatePem, String keyPem) {
        X509Certificate c = Pem.parseCertificate(certificatePem, "the CA certificate");
        PrivateKey k = Pem.parsePrivateKey(keyPem, "the CA key");
        return new ClusterAuthority(c, k);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The CA's private key as PEM: only ever written to a 0600 file or to etcd under a key only members read. */
    public String keyPem() {
        return Pem.privateKey(key);
    }

    /** A new key pair for a machine, and its certificate for {@code identity}. */
    public NodeCredentials issue(Identity identity, Instant now) {
        return issue(identity, now, CERT_VALIDITY);
    }

    /** {@link #issue(Identity, Instant)}, valid for {@code validity} from {@code now} (the operator's: an hour). */
    public NodeCredentials issue(Identity identity, Instant now, java.time.Duration validity) {
        KeyPair pair = newKeyPair();
        X509Certificate c = sign(pair.getPublic(), identity, now, validity);
        return new NodeCredentials(certificatePem(), Pem.certificate(c), Pem.privateKey(pair.getPrivate()));
    }

    /**
     * Signs a PKCS#10 request that a machine (or the neighbour booting it) made: its signature
     * must prove possession of the key, but the certificate names {@code identity}, which the
     * issuer decided, never what the request asked for.
     */
    public String sign(String requestPem, Identity identity, Instant now) {
        PKCS10CertificationRequest r = Pem.parseRequest(requestPem, "the certificate request");
        try {
            PublicKey pub = java.security.KeyFactory.getInstance("EC").generatePublic(
                    new java.security.spec.X509EncodedKeySpec(r.getSubjectPublicKeyInfo().getEncoded()));
            if (!r.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pub))) {
                throw new KubermeshException("the certificate request for " + identity.commonName() + " has a bad signature");
            }
            return Pem.certificate(sign(pub, identity, now, CERT_VALIDITY));
        } catch (OperatorCreationException | PKCSException | java.io.IOException | GeneralSecurityException e) {
            throw new KubermeshException("cannot check the certificate request for " + identity.commonName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A key pair and a PKCS#10 request for it (the subject is only informative). */
    public static Request request(Identity identity) {
        KeyPair pair = newKeyPair();
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate());
            PKCS10CertificationRequest r = new JcaPKCS10CertificationRequestBuilder(subject(identity), pair.getPublic()).build(signer);
            return new Request(Pem.request(r), Pem.privateKey(pair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new KubermeshException("cannot make a certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate request and its private key, kept by whoever made the request until the
     * certificate comes back.
     */
    public record Request(String requestPem, String keyPem) {
        @Override
        public String toString() {
            return "Request[key=(redacted)]";
        }
    }

    private X509Certificate sign(PublicKey subjectKey, Identity identity, Instant now, java.time.Duration validity) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject(identity), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            List<GeneralName> sans = new ArrayList<>();
            for (InetAddress a : identity.addresses()) {
                sans.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress().replaceAll("%.*", "")));
            }
            for (String d : identity.dnsNames()) {
                sans.add(new GeneralName(GeneralName.dNSName, d));
            }
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return convert(b, key);
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new KubermeshException("cannot issue a certificate for " + identity.commonName() + ": " + e.getMessage(), e);
        }
    }

    private static X500Name subject(Identity identity) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "kubermesh").addRDN(BCStyle.CN, identity.commonName()).build();
    }

    private static X509Certificate convert(X509v3CertificateBuilder b, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** A random positive 127-bit serial (RFC 5280 section 4.1.2.2: at most 20 octets, unpredictable). */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new KubermeshException("cannot generate an EC P-256 key: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ClusterAuthority[" + certificate.getSubjectX500Principal() + "]";
    }
}
