package io.kubermesh.controlplane.kubernetes;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One machine's join credentials: its bootstrap token and the kubeadm JoinConfiguration that
 * carries it. Bound to the machine's identity: {@link #ignitionFileFor} hands the file only to
 * that machine's Ignition config, and {@link #toString()} never shows the secret.
 *
 * @param machine the identity the token was issued to
 * @param nodeName the Node name the machine registers as
 * @param tokenId the public half of the token, {@code [a-z0-9]{6}}
 * @param tokenSecret the secret half, {@code [a-z0-9]{16}}
 * @param expires when the apiserver stops accepting the token
 * @param joinConfiguration the kubeadm JoinConfiguration YAML
 */
public record JoinCredentials(MacAddress machine, String nodeName, String tokenId, String tokenSecret, Instant expires,
                              String joinConfiguration) {
    /** Where the JoinConfiguration goes on the machine (root only). */
    public static final String PATH = "/etc/kubernetes/kubeadm-join.yaml";
    /** Its file mode. */
    public static final int MODE = 0600;

    /** A file of an Ignition config: path, mode and contents. */
    public record IgnitionFile(String path, int mode, String contents) {
        @Override
        public String toString() {
            return "IgnitionFile[" + path + ", mode " + Integer.toOctalString(mode) + ", " + contents.length() + " chars]";
        }
    }

    public JoinCredentials {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(tokenSecret, "tokenSecret");
    }

    /** The bearer token, {@code id.secret}. */
    public String token() {
        return tokenId + "." + tokenSecret;
    }

    /**
     * The JoinConfiguration as an Ignition file for the Ignition config of {@code requester}.
     *
     * @throws KubermeshException if {@code requester} is not the machine the token was issued to
     */
    public IgnitionFile ignitionFileFor(MacAddress requester) {
        if (!machine.equals(requester)) {
            throw new KubermeshException("the join credentials of " + machine + " are not for " + requester
                    + ": a token is only ever put into its own machine's Ignition config");
        }
        return new IgnitionFile(PATH, MODE, joinConfiguration);
    }

    @Override
    public String toString() {
        return "JoinCredentials[machine=" + machine + ", node=" + nodeName + ", token=" + tokenId + ".****, expires="
                + expires + "]";
    }
}
