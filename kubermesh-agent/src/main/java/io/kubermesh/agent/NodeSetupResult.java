package io.kubermesh.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The node OS's setup ({@code kubermesh-setup.service}, which runs before the agent) as a
 * component of status, {@code setup}: the setup leaves its result in a file on {@code /run} (one
 * per boot) and the agent reads it at every status. A setup that failed (an Ignition config it
 * could not fetch, an install or a phone-home that did not go through) leaves the node routing
 * with its agent, and is then a failed component that {@code up} and {@code status} name, instead
 * of a machine counted as joined. On a node OS a missing result is a failure too (the setup did
 * not run, or died before it could say); elsewhere (the netns lab, a host's own agent) the agent
 * is not given the file and there is no such component.
 *
 * <p>The file: one JSON object, {@code {"ok":true,"detail":"...","at":"ISO-8601"}}; no secret in
 * it (the setup redacts its boot secrets before it writes).
 */
public final class NodeSetupResult implements PortListener, StatusContributor {
    /** The environment variable the node OS's agent unit names the file with. */
    public static final String ENV = "KUBERMESH_SETUP_RESULT";
    /** Where the node OS keeps it: on the tmpfs, so every boot starts without one. */
    public static final Path NODE_OS_FILE = Path.of("/run/kubermesh/setup.json");
    public static final String COMPONENT = "setup";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final Instant started;

    public NodeSetupResult(Path file, Clock clock) {
        this.file = file;
        this.started = clock.instant();
    }

    /** Writes a result whole (a reader never sees half of one); {@code detail} is one line. */
    public static void write(Path file, boolean ok, String detail, Instant at) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("ok", ok);
        o.put("detail", detail == null ? "" : detail.strip().replace('\n', ' '));
        o.put("at", at.toString());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // getBytes, not writeString: a stray surrogate in a message becomes '?' instead of failing the write.
        Files.write(tmp, (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The component as status shows it now. */
    public ComponentStatus view() {
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new ComponentStatus(COMPONENT, ComponentStatus.FAILED, "the node setup left no result at " + file
                    + ": it did not run, or died before it could say (journalctl -u kubermesh-setup)", null, started.toString());
        } catch (IOException e) {
            return unreadable(e.getMessage());
        }
        if (o == null || !o.isObject() || !o.path("ok").isBoolean() || !o.path("at").isTextual()) {
            return unreadable("not a result object");
        }
        String detail = o.path("detail").asText("");
        String at = o.get("at").asText();
        return o.get("ok").asBoolean()
                ? new ComponentStatus(COMPONENT, ComponentStatus.RUNNING, null, "done: " + detail, at)
                : new ComponentStatus(COMPONENT, ComponentStatus.FAILED, detail.isEmpty() ? "failed" : detail,
                        "failed; the agent runs with what the setup did", at);
    }

    private ComponentStatus unreadable(String why) {
        return new ComponentStatus(COMPONENT, ComponentStatus.FAILED, "the node setup's result " + file + " is unreadable: "
                + why, null, started.toString());
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        return status.withComponents(List.of(view()));
    }
}
