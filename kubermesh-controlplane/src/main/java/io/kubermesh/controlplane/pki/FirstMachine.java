package io.kubermesh.controlplane.pki;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The trust the first machine creates when it is deployed (the agent's {@code --etcd-bootstrap}):
 * the cluster CA ({@code STATE/pki/ca.crt}, {@code ca.key}) and its own node certificate. Kept
 * on its disk; back up {@code STATE/pki} (0700, root) to keep the CA: with it and the etcd data
 * (or one surviving member) a cluster can issue certificates again. Nothing is made twice: a
 * machine that has a CA keeps it.
 */
public final class FirstMachine {
    private FirstMachine() {
    }

    /**
     * Makes what is missing. Returns the CA.
     *
     * @throws KubermeshException if the node certificate exists but was not signed by this CA
     */
    public static ClusterAuthority ensure(Path state, String cluster, MacAddress identity, Instant now) {
        Path dir = PkiFiles.directory(state);
        ClusterAuthority ca;
        if (Files.isRegularFile(PkiFiles.caKey(state))) {
            ca = ClusterAuthority.fromPem(NodeCredentials.readText(PkiFiles.caCertificate(state)),
                    NodeCredentials.readText(PkiFiles.caKey(state)));
        } else {
            ca = ClusterAuthority.create(cluster, now);
            NodeCredentials.writeSecret(PkiFiles.caKey(state), ca.keyPem());
            NodeCredentials.writeSecret(PkiFiles.caCertificate(state), ca.certificatePem());
        }
        if (!NodeCredentials.present(dir, PkiFiles.NODE)) {
            ca.issue(Identity.node(identity), now).write(dir, PkiFiles.NODE);
        } else if (!NodeCredentials.read(dir, PkiFiles.NODE).signedBy(ca.certificate())) {
            throw new KubermeshException(PkiFiles.certificate(state, PkiFiles.NODE) + " was not signed by the CA in " + dir);
        }
        return ca;
    }
}
