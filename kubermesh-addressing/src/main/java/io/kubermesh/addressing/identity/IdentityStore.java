package io.kubermesh.addressing.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.addressing.DurableFile;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The persisted identity of a node: chosen once, on first boot, then read back for life, so a
 * NIC added later never renumbers the node. Lives in {@code identity.json} in the node's state
 * directory, written durably.
 */
public final class IdentityStore {
    public static final String FILE = "identity.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;

    public IdentityStore(Path stateDirectory, Clock clock) {
        this.file = stateDirectory.resolve(FILE);
        this.clock = clock;
    }

    /** The identity already chosen, if any. A damaged file is an error, never a silent re-choice. */
    public Optional<NodeIdentity> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            MacAddress mac = MacAddress.parse(file + ": mac", n.path("mac").asText(null));
            String iface = n.path("interface").asText(null);
            Instant at = Instant.parse(n.path("chosenAt").asText());
            Optional<MacAddress> netboot = n.hasNonNull("netbootMac")
                    ? Optional.of(MacAddress.parse(file + ": netbootMac", n.get("netbootMac").asText()))
                    : Optional.empty();
            return Optional.of(new NodeIdentity(mac, iface, at, netboot));
        } catch (IOException | RuntimeException e) {
            throw new KubermeshException("the node identity in " + file + " is unreadable (" + e.getMessage()
                    + "); it is never re-chosen silently, because that would renumber the node: restore the file"
                    + " or delete it to choose again", e);
        }
    }

    /** The persisted identity, or a fresh choice from {@code interfaces} that is persisted first. */
    public NodeIdentity loadOrChoose(Supplier<List<InterfaceMac>> interfaces, Optional<MacAddress> netbootMac) {
        Optional<NodeIdentity> existing = read();
        if (existing.isPresent()) {
            return existing.get();
        }
        NodeIdentity chosen = IdentityChoice.choose(interfaces.get(), clock.instant(), netbootMac);
        write(chosen);
        return chosen;
    }

    private void write(NodeIdentity identity) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mac", identity.mac().toString());
        n.put("interface", identity.interfaceName());
        n.put("chosenAt", identity.chosenAt().toString());
        identity.netbootMac().ifPresent(m -> n.put("netbootMac", m.toString()));
        try {
            Files.createDirectories(file.getParent());
            DurableFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw new ConfigurationException("state directory", file.getParent().toString(),
                    "a writable directory (" + e.getMessage() + ")");
        }
    }
}
