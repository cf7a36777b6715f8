package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;

import java.util.Optional;

/**
 * Where machine records are shared between nodes (etcd, once it is up), so a machine that
 * installed through one neighbour and is later cabled to another is recognised there, and so two
 * nodes never both own one machine. The {@link MachineService} reads the shared record before it
 * decides and writes its change with compare-and-set on the version it read: of two nodes (or two
 * ports) deciding at once, one wins and the other's request fails. Only records go through it,
 * never {@link MachineSecrets}: those stay in the local store.
 *
 * <p>An implementation answers within a bounded time: when the shared store cannot answer it
 * throws a {@link io.kubermesh.api.KubermeshException}, and the request that needed it fails
 * (the service never decides alone from a local record that the directory may contradict).
 * Before the shared store exists (etcd not up yet) it answers empty and takes every write.
 */
public interface MachineDirectory {
    /** A shared record and the version it was read at (etcd's mod revision; 0 never occurs for a record). */
    record Versioned(Machine machine, long version) {
    }

    /** No sharing: every node knows only what it booted itself. */
    MachineDirectory NONE = new MachineDirectory() {
        @Override
        public Optional<Versioned> find(MacAddress mac) {
            return Optional.empty();
        }

        @Override
        public boolean compareAndSet(Machine machine, long expectedVersion) {
            return true;
        }

        @Override
        public String toString() {
            return "MachineDirectory.NONE";
        }
    };

    /** The shared record of {@code mac}, empty when there is none; throws when the directory cannot answer. */
    Optional<Versioned> find(MacAddress mac);

    /**
     * Writes {@code machine} if the shared record is still at {@code expectedVersion} (0: there must
     * be none yet). False when another writer came first; throws when the directory cannot answer.
     */
    boolean compareAndSet(Machine machine, long expectedVersion);
}
