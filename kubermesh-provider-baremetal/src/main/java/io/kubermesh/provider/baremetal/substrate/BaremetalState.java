package io.kubermesh.provider.baremetal.substrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a baremetal substrate remembers between commands ({@code substrate.json} in its state
 * directory): the inventory machines added, the gateway's agent process, and which machines it
 * powered on (so {@code down} powers off those and only those), the gateway ports cut, and the NICs of
 * this host moved into the gateway's namespace as its ports (so {@code down} gives them back, also
 * after a crash). Power state itself is never stored: it is read from each BMC when asked.
 */
final class BaremetalState {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "substrate.json";

    public String netns;
    public String gateway;
    public boolean deployed;
    public boolean etcdBootstrap;
    public long gatewayPid;
    public List<Added> machines = new ArrayList<>();
    public List<String> poweredByUs = new ArrayList<>();
    /** Gateway ports taken down administratively by {@code cut}: their cables count as pulled. */
    public List<Integer> cutPorts = new ArrayList<>();
    /**
     * The ends ({@code machine:port}) of cables between netbooted machines taken down by {@code cut},
     * through that machine's agent; forgotten when the machine is powered off (its next agent turns
     * every port up, as a machine does when it boots).
     */
    public List<String> cutEnds = new ArrayList<>();
    /** This host's NICs that are (or are being made) the gateway's ports, recorded before any is moved. */
    public List<HostPort> hostPorts = new ArrayList<>();

    /** One machine of the inventory that was added. */
    public static final class Added {
        public String name;
        public boolean netboot;
        /** Powered on through its BMC once already: it was blank then (network booted once), it boots by its BIOS order since. */
        public boolean poweredOnce;
    }

    /**
     * A NIC of this host made the gateway's port {@code clusterI} ({@code baremetal.ports=host}):
     * its name and MAC here, so it goes back under the same name, and whether it was up.
     */
    public static final class HostPort {
        public String name;
        public String mac;
        public int port;
        public boolean up;

        static HostPort of(String name, io.kubermesh.api.MacAddress mac, int port, boolean up) {
            HostPort p = new HostPort();
            p.name = name;
            p.mac = mac.toString();
            p.port = port;
            p.up = up;
            return p;
        }

        @Override
        public String toString() {
            return name + " (" + mac + ", the gateway's port " + io.kubermesh.api.PortPrefix.interfaceName(port) + ")";
        }
    }

    static BaremetalState read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), BaremetalState.class);
        } catch (IOException e) {
            throw new SubstrateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SubstrateException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            // the directory is the caller's; a leftover file is harmless and will be overwritten
        }
    }
}
