package io.kubermesh.boot.dhcp6;

import java.util.List;

/**
 * Where the DHCPv6 engine keeps its bindings. {@link #replace} is atomic and durable when it
 * returns: the engine sends no reply before the binding it announces is stored.
 */
public interface LeaseStore {
    /** Every lease stored, in any order. */
    List<Lease> load();

    /** Replaces every stored lease with {@code leases}, atomically and durably. */
    void replace(List<Lease> leases);
}
