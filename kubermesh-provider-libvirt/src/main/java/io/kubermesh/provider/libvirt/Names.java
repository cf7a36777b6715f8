package io.kubermesh.provider.libvirt;

/**
 * How the lab names what it creates, all behind its prefix: domain {@code PREFIX + machine},
 * cable network and bridge {@code PREFIX + "c" + id}, the idle network and bridge
 * {@code PREFIX + "idle"}, tap {@code PREFIX + "m" + index + "p" + port}. Linux interface names
 * end at 15 characters, hence a prefix of at most 8, machine indexes below 1000 and cable ids
 * below a million.
 */
record Names(String prefix) {
    static final int MAX_MACHINE_INDEX = 999;
    static final int MAX_CABLE_ID = 999_999;

    String domain(String machine) {
        return prefix + machine;
    }

    String cableNetwork(int id) {
        return prefix + "c" + id;
    }

    String idleNetwork() {
        return prefix + "idle";
    }

    String tap(int machineIndex, int port) {
        return prefix + "m" + machineIndex + "p" + port;
    }
}
