package io.kubermesh.controlplane.pki;

import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM text of certificates, PKCS#8 private keys and PKCS#10 requests, as etcd, Go and OpenSSL read them. */
final class Pem {
    private Pem() {
    }

    static String certificate(X509Certificate c) {
        return write(c);
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (unencrypted PKCS#8): what etcd and netty both take. */
    static String privateKey(PrivateKey k) {
        try {
            return write(new JcaPKCS8Generator(k, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new KubermeshException("cannot encode a private key: " + e.getMessage(), e);
        }
    }

    static String request(PKCS10CertificationRequest r) {
        return write(r);
    }

    static X509Certificate parseCertificate(String pem, String what) {
        Object o = read(pem, what);
        if (!(o instanceof X509CertificateHolder h)) {
            throw new KubermeshException(what + " is not a PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (CertificateException e) {
            throw new KubermeshException(what + " is not a valid certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey parsePrivateKey(String pem, String what) {
        Object o = read(pem, what);
        try {
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new KubermeshException(what + " is not a valid private key", e);
        }
        // Never echo the text: it may be a key.
        throw new KubermeshException(what + " is not a PEM private key");
    }

    static PKCS10CertificationRequest parseRequest(String pem, String what) {
        Object o = read(pem, what);
        if (!(o instanceof PKCS10CertificationRequest r)) {
            throw new KubermeshException(what + " is not a PEM certificate request");
        }
        return r;
    }

    private static Object read(String pem, String what) {
        try (PEMParser p = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            Object o = p.readObject();
            if (o == null) {
                throw new KubermeshException(what + " holds no PEM object");
            }
            return o;
        } catch (IOException | RuntimeException e) {
            if (e instanceof KubermeshException k) {
                throw k;
            }
            throw new KubermeshException(what + " is not valid PEM", e);
        }
    }

    private static String write(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new KubermeshException("cannot write PEM: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** The public key a request carries (tests). */
    static java.security.PublicKey parseRequestKey(String pem) {
        try {
            return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(
                    parseRequest(pem, "the request").getSubjectPublicKeyInfo().getEncoded()));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new KubermeshException("the request's key is not valid", e);
        }
    }

    /** {@code signed}'s subject and signature over {@code keyFrom}'s public key: a forged request (tests). */
    static PKCS10CertificationRequest withKeyOf(PKCS10CertificationRequest signed, PKCS10CertificationRequest keyFrom) {
        org.bouncycastle.asn1.pkcs.CertificationRequest base = signed.toASN1Structure();
        org.bouncycastle.asn1.pkcs.CertificationRequestInfo info = base.getCertificationRequestInfo();
        org.bouncycastle.asn1.pkcs.CertificationRequestInfo forged = new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(
                info.getSubject(), keyFrom.getSubjectPublicKeyInfo(), info.getAttributes());
        return new PKCS10CertificationRequest(new org.bouncycastle.asn1.pkcs.CertificationRequest(forged,
                base.getSignatureAlgorithm(), base.getSignature()));
    }
}
