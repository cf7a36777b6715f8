package io.kubermesh.controlplane.pki;

import java.nio.file.Path;

/**
 * Where a node keeps its trust material, all under {@code STATE/pki} (mode 0700, files 0600):
 *
 * <pre>
 * ca.crt        the cluster CA certificate                  every node (from its Ignition config)
 * node.crt/key  its own certificate (CN node:MAC) and key    every node (from its Ignition config)
 * routing.key   the cluster routing key (OSPFv3, BFD)        every node (from its Ignition config)
 * ca.key        the cluster CA's private key                 the first machine only (made when deployed)
 * member.crt/key its etcd member certificate (CN member:NAME) each etcd member, issued when it joins
 * </pre>
 *
 * A netbooted machine's Ignition config writes the first four to
 * {@code /var/lib/kubermesh/pki/}, the agent's default state directory.
 */
public final class PkiFiles {
    /** Where Ignition puts the files on an installed machine: the agent's default state directory. */
    public static final String IGNITION_DIRECTORY = "/var/lib/kubermesh/pki";
    public static final String NODE = "node";
    public static final String MEMBER = "member";

    private PkiFiles() {
    }

    public static Path directory(Path state) {
        return state.resolve("pki");
    }

    public static Path caCertificate(Path state) {
        return directory(state).resolve("ca.crt");
    }

    public static Path caKey(Path state) {
        return directory(state).resolve("ca.key");
    }

    public static Path routingKey(Path state) {
        return directory(state).resolve("routing.key");
    }

    public static Path certificate(Path state, String name) {
        return directory(state).resolve(name + ".crt");
    }

    public static Path key(Path state, String name) {
        return directory(state).resolve(name + ".key");
    }
}
