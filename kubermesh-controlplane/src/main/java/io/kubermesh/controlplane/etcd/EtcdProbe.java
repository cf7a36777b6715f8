package io.kubermesh.controlplane.etcd;

import io.kubermesh.controlplane.node.LocalMemberStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * etcd's own HTTP endpoints on a client URL, asked the way the member serves them: over HTTPS
 * with the node's client certificate when etcd runs with TLS (it then refuses any client without
 * one), plain HTTP in tests of plain members. {@code GET /health}, {@code GET /version}, and the
 * member's own id, leader and learner flags from {@code GET /metrics} (the JSON gateway is off
 * under TLS). Every probe is bounded by a second (or the patience given to
 * {@link #answers(URI, Duration)}) and answers "no" on any failure.
 */
public final class EtcdProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final EtcdProbe PLAIN = new EtcdProbe(null);

    private final HttpClient http;
    private final boolean tls;

    private EtcdProbe(SSLContext context) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).version(HttpClient.Version.HTTP_1_1);
        if (context != null) {
            b.sslContext(context);
        }
        this.http = b.build();
        this.tls = context != null;
    }

    /** Plain HTTP (members without TLS: tests of the membership logic). */
    public static EtcdProbe plain() {
        return PLAIN;
    }

    /** HTTPS presenting the certificate of {@code context} and trusting only its CA. */
    public static EtcdProbe tls(SSLContext context) {
        return new EtcdProbe(context);
    }

    /** True when {@code GET /health} answers 200 with {@code "health":"true"}. */
    public boolean healthy(URI clientUrl) {
        return get(clientUrl, "/health").map(r -> r.statusCode() == 200
                && r.body().replace(" ", "").contains("\"health\":\"true\"")).orElse(false);
    }

    /** True when the process answers {@code GET /version} (learners and members without quorum too). */
    public boolean answers(URI clientUrl) {
        return answers(clientUrl, TIMEOUT);
    }

    /**
     * As {@link #answers(URI)}, waiting up to {@code patience} for the answer: for decisions that
     * are costly to get wrong (removing a member), where a busy machine that answers in two
     * seconds is alive. (A second includes a TLS handshake when the last probe's connection was
     * dropped by its time-out, so on a slow machine every 1 s probe could fail while it serves.)
     */
    public boolean answers(URI clientUrl, Duration patience) {
        return get(clientUrl, "/version", patience).map(r -> r.statusCode() == 200).orElse(false);
    }

    /** The member's own view; empty when it does not answer. */
    public Optional<LocalMemberStatus> status(URI clientUrl) {
        if (!tls) {
            return LocalMemberStatus.of(clientUrl);
        }
        return get(clientUrl, "/metrics").filter(r -> r.statusCode() == 200).flatMap(r -> LocalMemberStatus.fromMetrics(r.body()));
    }

    /** The scheme a URL to this member should have. */
    public String scheme() {
        return tls ? "https" : "http";
    }

    private Optional<HttpResponse<String>> get(URI clientUrl, String path) {
        return get(clientUrl, path, TIMEOUT);
    }

    private Optional<HttpResponse<String>> get(URI clientUrl, String path, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(clientUrl.resolve(path)).timeout(timeout).GET().build();
            return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
