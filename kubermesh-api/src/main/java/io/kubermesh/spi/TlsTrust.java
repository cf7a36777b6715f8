package io.kubermesh.spi;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a Redfish driver trusts as the BMC's TLS identity: a pinned certificate or a CA. BMCs ship
 * self-signed certificates for addresses that no public CA can vouch for, so one of the two is
 * required; there is no "trust anything".
 */
public sealed interface TlsTrust {
    /**
     * Exactly this certificate (its SHA-256 over the DER encoding, as {@code openssl x509
     * -fingerprint -sha256} prints it); the host name is not checked, the pin is the identity.
     */
    record PinnedCertificate(byte[] sha256) implements TlsTrust {
        public PinnedCertificate {
            if (sha256 == null || sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes");
            }
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PinnedCertificate p && java.util.Arrays.equals(sha256, p.sha256);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(sha256);
        }

        @Override
        public String toString() {
            return "sha256:" + HexFormat.ofDelimiter(":").formatHex(sha256).toUpperCase(Locale.ROOT);
        }
    }

    /** Certificates signed by the CA certificates (PEM) in this file, for the BMC's host name or address. */
    record CaFile(Path file) implements TlsTrust {
        public CaFile {
            if (file == null) {
                throw new IllegalArgumentException("a CA file needs a path");
            }
        }
    }
}
