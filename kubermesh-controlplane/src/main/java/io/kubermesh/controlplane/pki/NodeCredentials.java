package io.kubermesh.controlplane.pki;

import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * One holder's TLS credentials: the cluster CA certificate, its own certificate, its private key
 * (PEM). {@link #toString()} never shows the key. Written to and read from a directory as
 * {@code ca.crt}, {@code NAME.crt} and {@code NAME.key}, each 0600 from creation on.
 */
public record NodeCredentials(String caPem, String certificatePem, String keyPem) {
    public NodeCredentials {
        Objects.requireNonNull(caPem, "caPem");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(keyPem, "keyPem");
    }

    /** The same certificate and key with a request's key: what an issued request becomes. */
    public static NodeCredentials of(String caPem, String certificatePem, ClusterAuthority.Request request) {
        return new NodeCredentials(caPem, certificatePem, request.keyPem());
    }

    public X509Certificate certificate() {
        return Pem.parseCertificate(certificatePem, "the certificate");
    }

    public X509Certificate ca() {
        return Pem.parseCertificate(caPem, "the CA certificate");
    }

    public PrivateKey key() {
        return Pem.parsePrivateKey(keyPem, "the private key");
    }

    /** The certificate's subject CN: the etcd user its holder acts as. */
    public String commonName() {
        return commonName(certificate());
    }

    public static String commonName(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3).replace("\\", "");
            }
        }
        return "";
    }

    /** True when the certificate was signed by the CA (and the CA is the one given). */
    public boolean signedBy(X509Certificate authority) {
        try {
            certificate().verify(authority.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * A JDK TLS context that presents this certificate and trusts only the cluster CA (for the
     * HTTPS probes of etcd's {@code /health} and {@code /version}).
     */
    public SSLContext sslContext() {
        try {
            char[] none = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, none);
            keys.setKeyEntry("node", key(), none, new java.security.cert.Certificate[] {certificate(), ca()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, none);
            trust.setCertificateEntry("cluster-ca", ca());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new KubermeshException("cannot make a TLS context from " + commonName() + "'s credentials: " + e.getMessage(), e);
        }
    }

    /** Writes {@code dir/ca.crt}, {@code dir/NAME.crt} and {@code dir/NAME.key}, each 0600. */
    public void write(Path dir, String name) {
        writeSecret(dir.resolve("ca.crt"), caPem);
        writeSecret(dir.resolve(name + ".crt"), certificatePem);
        writeSecret(dir.resolve(name + ".key"), keyPem);
    }

    /** Reads what {@link #write} wrote. */
    public static NodeCredentials read(Path dir, String name) {
        return new NodeCredentials(readText(dir.resolve("ca.crt")), readText(dir.resolve(name + ".crt")),
                readText(dir.resolve(name + ".key")));
    }

    /** True when {@code dir} holds {@code NAME.crt} and {@code NAME.key}. */
    public static boolean present(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name + ".crt")) && Files.isRegularFile(dir.resolve(name + ".key"))
                && Files.isRegularFile(dir.resolve("ca.crt"));
    }

    public static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KubermeshException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} to {@code file}, 0600 from creation on, through a rename; the directory is made 0700. */
    public static void writeSecret(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KubermeshException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NodeCredentials[" + commonName() + ", key=(redacted)]";
    }
}
