package io.kubermesh.agent;

import java.util.Objects;
import java.util.Set;

/**
 * One node component as status reports it (JSON; the names are stable and documented in
 * docs/cli.md): boot services per port ({@code boot/cluster0}) and their HTTP server
 * ({@code boot/http}), the routing daemon ({@code routing}), the etcd member ({@code etcd}), each
 * anycast service ({@code anycast/etcd}) and the IPv4 address ({@code ipv4}).
 *
 * @param name the component
 * @param state {@code starting}, {@code running}, {@code failed} or {@code off} (the cluster file
 *     does not ask for it here)
 * @param error the last error line, or null when it has had none
 * @param detail what it is doing, in a few words (the address held, the daemon's processes), or null
 * @param since when it entered {@code state} (ISO-8601)
 */
public record ComponentStatus(String name, String state, String error, String detail, String since) {
    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";
    public static final String OFF = "off";
    /** Every state, in the order of their gravity for a table. */
    public static final Set<String> STATES = Set.of(STARTING, RUNNING, FAILED, OFF);

    public ComponentStatus {
        Objects.requireNonNull(name, "name");
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException("a component state is one of " + STATES + ", got " + state);
        }
    }

    public boolean failed() {
        return FAILED.equals(state);
    }
}
