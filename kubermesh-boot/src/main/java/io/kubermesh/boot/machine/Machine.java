package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;

import java.util.Objects;

/**
 * The record of one machine a node boots. It holds no secret: {@link MachineSecrets} live apart
 * and are served only to the machine itself.
 *
 * @param mac the MAC it network-booted with (its identity here)
 * @param port the port it came in on ({@code cluster0}.. or an interface name); fixed at discovery
 * @param uuid SMBIOS UUID as iPXE reports it, or empty
 * @param arch iPXE {@code ${buildarch}} ({@code x86_64}, {@code arm64}, ...), or empty
 * @param serial SMBIOS serial, or empty
 * @param profile the profile last selected for it, or empty
 * @param state where it is
 * @param firstSeen ISO-8601 instant of discovery
 * @param lastSeen ISO-8601 instant of its last request
 */
public record Machine(MacAddress mac, String port, String uuid, String arch, String serial, String profile,
                      MachineState state, String firstSeen, String lastSeen) {
    public Machine {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(state, "state");
        uuid = uuid == null ? "" : uuid;
        arch = arch == null ? "" : arch;
        serial = serial == null ? "" : serial;
        profile = profile == null ? "" : profile;
        firstSeen = firstSeen == null ? "" : firstSeen;
        lastSeen = lastSeen == null ? "" : lastSeen;
    }

    public Machine withState(MachineState s) {
        return new Machine(mac, port, uuid, arch, serial, profile, s, firstSeen, lastSeen);
    }

    public Machine seen(String uuidNow, String archNow, String serialNow, String profileNow, String at) {
        return new Machine(mac, port, uuidNow, archNow, serialNow, profileNow, state, firstSeen, at);
    }
}
