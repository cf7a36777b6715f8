package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;

import java.util.Objects;

/**
 * The record of one machine a node boots. It holds no secret: {@link MachineSecrets} live apart
 * and are served only to the machine itself.
 *
 * <p>A record is owned by the port it came in on: {@code node} (the identity MAC of the node whose
 * port it is) and {@code port} ({@code clusterI} of that node). Only requests from that port may
 * change it; an owner of empty strings (a record the operator reset, or one written before owners
 * were recorded) may be claimed by the next port the machine boots on.
 *
 * @param mac the MAC it network-booted with (its identity here)
 * @param node the identity MAC of the node that owns the record, or empty
 * @param port the port it came in on ({@code cluster0}..), or empty; fixed at discovery
 * @param uuid SMBIOS UUID as iPXE reports it, or empty
 * @param arch iPXE {@code ${buildarch}} ({@code x86_64}, {@code arm64}, ...), or empty
 * @param serial SMBIOS serial, or empty
 * @param profile the profile last selected for it, or empty
 * @param state where it is
 * @param firstSeen ISO-8601 instant of discovery
 * @param lastSeen ISO-8601 instant of its last request
 */
public record Machine(MacAddress mac, String node, String port, String uuid, String arch, String serial, String profile,
                      MachineState state, String firstSeen, String lastSeen) {
    public Machine {
        Objects.requireNonNull(mac, "mac");
        node = node == null ? "" : node;
        port = port == null ? "" : port;
        Objects.requireNonNull(state, "state");
        uuid = uuid == null ? "" : uuid;
        arch = arch == null ? "" : arch;
        serial = serial == null ? "" : serial;
        profile = profile == null ? "" : profile;
        firstSeen = firstSeen == null ? "" : firstSeen;
        lastSeen = lastSeen == null ? "" : lastSeen;
    }

    /** A record without an owning node (tests, records from before owners were kept). */
    public Machine(MacAddress mac, String port, String uuid, String arch, String serial, String profile,
                   MachineState state, String firstSeen, String lastSeen) {
        this(mac, "", port, uuid, arch, serial, profile, state, firstSeen, lastSeen);
    }

    public Machine withState(MachineState s) {
        return new Machine(mac, node, port, uuid, arch, serial, profile, s, firstSeen, lastSeen);
    }

    public Machine seen(String uuidNow, String archNow, String serialNow, String profileNow, String at) {
        return new Machine(mac, node, port, uuidNow, archNow, serialNow, profileNow, state, firstSeen, at);
    }

    /** The same record owned by {@code ownerNode}'s {@code ownerPort}. */
    public Machine ownedBy(String ownerNode, String ownerPort) {
        return new Machine(mac, ownerNode, ownerPort, uuid, arch, serial, profile, state, firstSeen, lastSeen);
    }

    /** True when the record has no owner: the next port the machine boots on may claim it. */
    public boolean unclaimed() {
        return port.isEmpty();
    }

    /** True when requests from {@code onNode}'s port {@code onPort} may change this record. */
    public boolean ownedBy(String onNode, String onPort, boolean legacyIsLocal) {
        if (unclaimed()) {
            return true;
        }
        boolean sameNode = node.equals(onNode) || node.isEmpty() && legacyIsLocal;
        return sameNode && port.equals(onPort);
    }
}
