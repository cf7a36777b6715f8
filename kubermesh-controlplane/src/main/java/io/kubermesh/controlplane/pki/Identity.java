package io.kubermesh.controlplane.pki;

import io.kubermesh.api.MacAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Who a certificate names. The common name is the etcd user the holder acts as (etcd maps a
 * client certificate's CN to a user): {@code node:MAC} for every enrolled machine (role
 * {@code node}), {@code member:NAME} for an etcd member (role {@code root}). A member's
 * certificate also serves etcd, so it names the addresses it is reached at. {@code operator:NAME}
 * is the first machine's agent acting for the operator at its console: made there with the CA key
 * of its state, short-lived, kept in its memory only; other nodes' mesh endpoints take requests
 * that change a node (a port taken down) from such a certificate alone. No etcd user has that name, so etcd grants it nothing.
 *
 * @param commonName the subject CN
 * @param addresses IP subject alternative names (a member: its host address, the etcd anycast
 *     address, loopback)
 * @param dnsNames DNS subject alternative names (a member: {@link #ETCD_SERVER_NAME})
 */
public record Identity(String commonName, List<InetAddress> addresses, List<String> dnsNames) {
    /** The name every member's certificate carries and every etcd client expects (gRPC authority). */
    public static final String ETCD_SERVER_NAME = "etcd.kubermesh.internal";
    public static final String NODE_PREFIX = "node:";
    public static final String MEMBER_PREFIX = "member:";
    public static final String OPERATOR_PREFIX = "operator:";

    public Identity {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank() || commonName.length() > 64) {
            throw new IllegalArgumentException("a common name is 1..64 characters: " + commonName);
        }
        addresses = List.copyOf(addresses);
        dnsNames = List.copyOf(dnsNames);
    }

    /** An enrolled machine, known by the MAC it netbooted with (or, for the first machine, its identity). */
    public static Identity node(MacAddress mac) {
        return new Identity(NODE_PREFIX + mac, List.of(), List.of());
    }

    /** An etcd member named {@code name}, reached at {@code addresses}. */
    public static Identity member(String name, List<InetAddress> addresses) {
        return new Identity(MEMBER_PREFIX + name, addresses, List.of(ETCD_SERVER_NAME));
    }

    /** The operator, as the first machine's agent {@code name} acts for it (see above). */
    public static Identity operator(String name) {
        return new Identity(OPERATOR_PREFIX + name, List.of(), List.of());
    }

    public boolean isMember() {
        return commonName.startsWith(MEMBER_PREFIX);
    }
}
