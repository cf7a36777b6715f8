package io.kubermesh.provider.baremetal.redfish;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context a Redfish session trusts the BMC with. A pinned certificate is the identity by
 * itself: the leaf's SHA-256 must match and nothing else is checked (BMC certificates are
 * self-signed and name whatever the factory put in them); the trust manager is an
 * {@link X509ExtendedTrustManager} so the JDK adds no host name check of its own. A CA file goes
 * through the JDK's own validation, host name included.
 */
final class BmcTrust {
    private BmcTrust() {
    }

    /** The pinned trust manager, which remembers what the BMC presented for error messages. */
    static final class Pinned extends X509ExtendedTrustManager {
        private final byte[] pin;
        volatile String presented;

        Pinned(byte[] pin) {
            this.pin = pin.clone();
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the BMC presented no certificate");
            }
            byte[] digest;
            try {
                digest = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
            presented = "sha256:" + HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
            if (!MessageDigest.isEqual(digest, pin)) {
                throw new CertificateException("the BMC's certificate is " + presented + ", not the pinned one");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a Redfish client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a Redfish client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a Redfish client does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    static SSLContext context(TlsTrust trust, TrustManager[] pinnedOut) {
        try {
            TrustManager[] managers;
            if (trust instanceof TlsTrust.PinnedCertificate pin) {
                managers = new TrustManager[] {new Pinned(pin.sha256())};
            } else {
                TlsTrust.CaFile ca = (TlsTrust.CaFile) trust;
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                try (InputStream in = Files.newInputStream(ca.file())) {
                    int i = 0;
                    for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("ca" + i++, cert);
                    }
                    if (i == 0) {
                        throw new ConfigurationException("tls.caFile", ca.file().toString(), "a file of PEM CA certificates; it has none");
                    }
                } catch (IOException e) {
                    throw new ConfigurationException("tls.caFile", ca.file().toString(), "a readable file of PEM CA certificates ("
                            + e.getMessage() + ")");
                }
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init(store);
                managers = f.getTrustManagers();
            }
            if (pinnedOut != null && pinnedOut.length > 0) {
                pinnedOut[0] = managers[0];
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, managers, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
