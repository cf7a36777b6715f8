package io.kubermesh.provider.baremetal.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * HTTPS to one Redfish service: JSON in and out, one bounded timeout per request, a session
 * ({@code X-Auth-Token} from the SessionService) or basic authentication, and errors that say
 * what the BMC said ({@code @Message.ExtendedInfo}) without ever repeating the password.
 */
final class RedfishClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String bmc;
    private final Duration timeout;
    private final TrustManager[] trust;
    private String token;
    private String sessionUri;
    private String basic;

    RedfishClient(URI base, String bmc, SSLContext tls, TrustManager[] trust, Duration timeout) {
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.base = base;
        this.bmc = bmc;
        this.timeout = timeout;
        this.trust = trust;
    }

    /**
     * Logs in through the SessionService; a service without one (404, 405) gets basic
     * authentication on every request instead. The password is cleared by the caller.
     */
    void login(String user, char[] password) {
        String body;
        try {
            body = JSON.writeValueAsString(JSON.createObjectNode().put("UserName", user).put("Password", new String(password)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve("/redfish/v1/SessionService/Sessions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), "logging in as " + user);
        if (r.statusCode() == 404 || r.statusCode() == 405) {
            basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
            get("/redfish/v1/Systems", "checking basic authentication for " + user);
            return;
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new PowerException(Reason.AUTHENTICATION, bmc + " refused the password of user " + user + " (HTTP "
                    + r.statusCode() + ")");
        }
        check(r, "logging in as " + user);
        token = r.headers().firstValue("X-Auth-Token").orElseThrow(() -> new PowerException(Reason.PROTOCOL,
                bmc + " created a session without an X-Auth-Token"));
        sessionUri = r.headers().firstValue("Location").orElse(null);
    }

    JsonNode get(String path, String what) {
        return json(check(send(authorized(HttpRequest.newBuilder(base.resolve(path)).GET()), what), what), what);
    }

    void post(String path, JsonNode body, String what) {
        check(send(authorized(HttpRequest.newBuilder(base.resolve(path)).POST(publisher(body))), what), what);
    }

    void patch(String path, JsonNode body, String what) {
        check(send(authorized(HttpRequest.newBuilder(base.resolve(path)).method("PATCH", publisher(body))), what), what);
    }

    private static HttpRequest.BodyPublisher publisher(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) {
        if (token != null) {
            b.header("X-Auth-Token", token);
        } else if (basic != null) {
            b.header("Authorization", basic);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String what) {
        HttpRequest r = request.timeout(timeout).header("Accept", "application/json")
                .header("Content-Type", "application/json").header("OData-Version", "4.0").build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new PowerException(Reason.TIMEOUT, bmc + " did not answer " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw new PowerException(Reason.UNREACHABLE, bmc + ": cannot connect for " + what + ": " + e.getMessage(), e);
        } catch (SSLException e) {
            String presented = trust != null && trust[0] instanceof BmcTrust.Pinned p && p.presented != null
                    ? "; it presents " + p.presented : "";
            throw new PowerException(Reason.PROTOCOL, bmc + ": its TLS identity is not the one the site inventory trusts ("
                    + e.getMessage() + ")" + presented, e);
        } catch (IOException e) {
            throw new PowerException(Reason.UNREACHABLE, bmc + ": " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerException(Reason.TIMEOUT, bmc + ": interrupted while " + what, e);
        }
    }

    private HttpResponse<byte[]> check(HttpResponse<byte[]> r, String what) {
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
            return r;
        }
        String said = message(r.body()).map(m -> ": " + m).orElse("");
        Reason reason = s == 401 || s == 403 ? Reason.AUTHENTICATION : Reason.REFUSED;
        throw new PowerException(reason, bmc + " answered " + what + " with HTTP " + s + said);
    }

    private JsonNode json(HttpResponse<byte[]> r, String what) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new PowerException(Reason.PROTOCOL, bmc + " answered " + what + " with something that is not JSON", e);
        }
    }

    /** The first @Message.ExtendedInfo message of a Redfish error body, or its error.message. */
    static Optional<String> message(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            JsonNode info = error.path("@Message.ExtendedInfo").path(0).path("Message");
            String m = info.isTextual() ? info.asText() : error.path("message").asText(null);
            return Optional.ofNullable(m);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Ends the session (best effort: the BMC expires it anyway). */
    @Override
    public void close() {
        if (token != null && sessionUri != null) {
            try {
                send(authorized(HttpRequest.newBuilder(base.resolve(sessionUri)).DELETE()), "logging out");
            } catch (RuntimeException e) {
                // The session times out at the BMC.
            }
        }
        token = null;
    }
}
