package io.kubermesh.agent.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.spi.AgentChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client side of the agent's control protocol ({@link AgentControl}) over any
 * {@link AgentChannel}: a substrate's connection to a machine's agent. Requests go one at a
 * time; the client may be used for several. Closing it closes the channel.
 */
public final class AgentClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentChannel channel;

    public AgentClient(AgentChannel channel) {
        this.channel = channel;
    }

    public NodeStatus status() {
        return as(request("status"), NodeStatus.class);
    }

    public ControlAnswers.Routes routes() {
        return as(request("routes"), ControlAnswers.Routes.class);
    }

    public ControlAnswers.Neighbours neighbours() {
        return as(request("neighbours"), ControlAnswers.Neighbours.class);
    }

    /** What the node's routing daemon says of its interfaces, neighbours, database and routes. */
    public ControlAnswers.RoutingDaemon routingDaemon() {
        return as(request("routing-daemon"), ControlAnswers.RoutingDaemon.class);
    }

    /** ICMPv6 echoes (every 0.1 s until answered, for 1 s) from the node to each of {@code addresses} (IPv6, at most {@value AgentControl#MAX_PROBES}). */
    public ControlAnswers.Probes probe(List<String> addresses) {
        if (addresses.isEmpty()) {
            return new ControlAnswers.Probes(List.of());
        }
        return as(request("probe " + String.join(" ", addresses)), ControlAnswers.Probes.class);
    }

    /** The cluster's enrolment decisions, as this agent reads them from etcd. */
    public ControlAnswers.Enrolment enrolment() {
        return as(request("enrolment"), ControlAnswers.Enrolment.class);
    }

    /** The cluster's routing keys as etcd holds them. */
    public ControlAnswers.RoutingKeys routingKeys() {
        return as(request("routing-key"), ControlAnswers.RoutingKeys.class);
    }

    /** Takes the step of a roll after {@code from}, the step every machine holds (an etcd member's agent only). */
    public ControlAnswers.RoutingKeys rollRoutingKey(String from) {
        return as(request("routing-key roll " + from), ControlAnswers.RoutingKeys.class);
    }

    /** Records an operator's decision on {@code mac} (only an etcd member's agent can). */
    public ControlAnswers.Decision decide(io.kubermesh.api.MacAddress mac, boolean approve) {
        return as(request((approve ? "approve " : "deny ") + mac), ControlAnswers.Decision.class);
    }

    /**
     * Takes port {@code index} down administratively or up again. Over the mesh only the
     * operator's certificate may ask it: relay it through the first machine's agent.
     */
    public ControlAnswers.Port setPort(int index, boolean up) {
        return as(request("port " + index + (up ? " up" : " down")), ControlAnswers.Port.class);
    }

    /** Sends one request line and returns the answer, failing with the agent's own error. */
    public synchronized JsonNode request(String line) {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a request is one line");
        }
        try {
            channel.output().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            channel.output().flush();
            String answer = readLine(channel.input());
            if (answer == null) {
                throw new KubermeshException("the agent closed the connection without answering '" + line + "'");
            }
            JsonNode node = JSON.readTree(answer);
            if (node.has("error") && node.size() == 1) {
                throw new KubermeshException("the agent refused '" + line + "': " + node.get("error").asText());
            }
            return node;
        } catch (IOException e) {
            throw new KubermeshException("talking to the agent ('" + line + "'): " + e.getMessage(), e);
        }
    }

    private static <T> T as(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new KubermeshException("the agent answered something that is not a " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        channel.close();
    }
}
