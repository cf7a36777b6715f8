package io.kubermesh.controlplane.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * One member's own view, from its JSON gateway ({@code POST /v3/maintenance/status}): its id, the
 * leader's id, whether it is a learner. etcd writes 64-bit ids as decimal strings and leaves out
 * false booleans.
 *
 * @param id this member's id
 * @param leader the id of the member it follows (0 when it knows no leader)
 * @param learner true while it is a non-voting learner
 */
public record LocalMemberStatus(long id, long leader, boolean learner) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    public boolean isLeader() {
        return id != 0 && id == leader;
    }

    /** Parses the gateway's answer. */
    static LocalMemberStatus parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        return new LocalMemberStatus(Long.parseUnsignedLong(root.path("header").path("member_id").asText("0")),
                Long.parseUnsignedLong(root.path("leader").asText("0")), root.path("isLearner").asBoolean(false));
    }

    /**
     * Reads the member's view from its Prometheus metrics ({@code etcd_server_id},
     * {@code etcd_server_is_leader}, {@code etcd_server_is_learner}): what a TLS member, whose
     * JSON gateway is off, tells about itself. A leader follows itself; a follower's leader id is
     * not in the metrics, so it is given as -1 (some other member).
     */
    public static Optional<LocalMemberStatus> fromMetrics(String metrics) {
        long id = 0;
        boolean leader = false;
        boolean learner = false;
        boolean hasLeader = false;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("etcd_server_id{server_id=\"")) {
                int end = line.indexOf('"', 26);
                if (end > 26) {
                    id = Long.parseUnsignedLong(line.substring(26, end), 16);
                }
            } else if (line.startsWith("etcd_server_is_leader ")) {
                leader = line.endsWith(" 1");
            } else if (line.startsWith("etcd_server_is_learner ")) {
                learner = line.endsWith(" 1");
            } else if (line.startsWith("etcd_server_has_leader ")) {
                hasLeader = line.endsWith(" 1");
            }
        }
        if (id == 0) {
            return Optional.empty();
        }
        return Optional.of(new LocalMemberStatus(id, leader ? id : hasLeader ? -1 : 0, learner));
    }

    /** Asks the member at {@code clientUrl}; empty when it does not answer. */
    public static Optional<LocalMemberStatus> of(URI clientUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(clientUrl.resolve("/v3/maintenance/status"))
                    .timeout(Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(parse(r.body())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** True when the etcd process at {@code clientUrl} answers {@code GET /version} (learners too). */
    public static boolean answers(URI clientUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(clientUrl.resolve("/version")).timeout(Duration.ofSeconds(1)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
