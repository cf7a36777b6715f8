package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;

import java.util.Optional;

/**
 * Where machine records are shared between nodes (etcd, once it is up), so a machine that
 * installed through one neighbour and is later cabled to another is recognised there. The
 * {@link MachineService} asks it when its own store does not know a machine, or knows it only as
 * not yet installed, and tells it of every change. Only records go through it, never
 * {@link MachineSecrets}: those stay in the local store.
 *
 * <p>An implementation must not block a boot for long: it answers empty and drops a write when it
 * cannot reach the shared store (the service also catches what it throws and goes on locally).
 */
public interface MachineDirectory {
    /** No sharing: every node knows only what it booted itself. */
    MachineDirectory NONE = new MachineDirectory() {
        @Override
        public Optional<Machine> find(MacAddress mac) {
            return Optional.empty();
        }

        @Override
        public void record(Machine machine) {
        }
    };

    /** The shared record of {@code mac}, if there is one and the directory can be reached. */
    Optional<Machine> find(MacAddress mac);

    /** Shares the machine's record (last write wins). */
    void record(Machine machine);
}
