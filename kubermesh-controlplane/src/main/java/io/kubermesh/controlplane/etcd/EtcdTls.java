package io.kubermesh.controlplane.etcd;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How an etcd member serves TLS: one certificate and key (its member certificate, CN
 * {@code member:NAME}) for clients and peers alike, the cluster CA as the only trusted issuer on
 * both sides, and client certificates required on both: a client or peer without a certificate
 * the cluster CA signed is refused during the TLS handshake.
 *
 * @param caFile the cluster CA certificate (PEM)
 * @param certFile the member's certificate (PEM)
 * @param keyFile the member's private key (PEM, 0600)
 */
public record EtcdTls(Path caFile, Path certFile, Path keyFile) {
    public EtcdTls {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /** The etcd 3.4 flags. */
    public List<String> flags() {
        return List.of("--cert-file", certFile.toString(), "--key-file", keyFile.toString(),
                "--client-cert-auth", "--trusted-ca-file", caFile.toString(),
                "--peer-cert-file", certFile.toString(), "--peer-key-file", keyFile.toString(),
                "--peer-client-cert-auth", "--peer-trusted-ca-file", caFile.toString(),
                // Peers connect from their host address, which their certificates name, but a
                // member's source address is the kernel's choice: the CA, not the address, is the check.
                "--experimental-peer-skip-client-san-verification");
    }
}
