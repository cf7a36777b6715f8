package io.kubermesh.testkit.bmc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for a BMC emulator, made with the JDK's keytool the way a BMC makes
 * its own at first boot: EC P-256, the loopback address in its subject alternative names. Gives the
 * server's TLS context, the certificate as PEM (a "CA file" for clients) and its SHA-256
 * fingerprint (to pin).
 */
public final class TestCertificate {
    private static final char[] STORE_PASSWORD = "kmpw-store".toCharArray();

    private final Path keystore;
    private final Path pem;
    private final X509Certificate certificate;

    private TestCertificate(Path keystore, Path pem, X509Certificate certificate) {
        this.keystore = keystore;
        this.pem = pem;
        this.certificate = certificate;
    }

    /** Makes a key and certificate in {@code dir} for {@code cn}, valid for 127.0.0.1 and localhost. */
    public static TestCertificate create(Path dir, String cn) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keystore = dir.resolve("bmc.p12");
        Path pem = dir.resolve("bmc.pem");
        try {
            Files.createDirectories(dir);
            HostTools.run(60, keytool.toString(), "-genkeypair", "-alias", "bmc", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-sigalg", "SHA256withECDSA", "-dname", "CN=" + cn, "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    // Its own CA (basic constraints), as OpenSSL clients want of a trust anchor given as a CA file.
                    "-ext", "BC:c=ca:true", "-validity", "30",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(STORE_PASSWORD));
            HostTools.run(60, keytool.toString(), "-exportcert", "-rfc", "-alias", "bmc", "-keystore", keystore.toString(),
                    "-storepass", new String(STORE_PASSWORD), "-file", pem.toString());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, STORE_PASSWORD);
            }
            return new TestCertificate(keystore, pem, (X509Certificate) ks.getCertificate("bmc"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server side: this key and certificate. */
    public SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, STORE_PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, STORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate in PEM, usable as a CA file (it signs itself). */
    public Path pem() {
        return pem;
    }

    /** {@code sha256:AB:CD:…}, as {@code openssl x509 -noout -fingerprint -sha256} prints it. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return "sha256:" + HexFormat.ofDelimiter(":").formatHex(d).toUpperCase(Locale.ROOT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
