package io.kubermesh.testkit.bmc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small Redfish service for tests, since no Redfish emulator is packaged for Debian 12. It
 * follows the DMTF schema for what power management uses, and real clients (redfishtool, sushy)
 * check it: the service root, the Systems collection with one ComputerSystem whose
 * {@code PowerState} is a {@link QemuChassis} VM's, {@code ComputerSystem.Reset} with its
 * allowable values (On, ForceOff, GracefulShutdown, ForceRestart, PushPowerButton),
 * {@code Boot.BootSourceOverrideTarget}/{@code BootSourceOverrideEnabled} (Once: the next power-on
 * only), and the SessionService (sessions with {@code X-Auth-Token}) besides basic authentication.
 * HTTPS only, on loopback, with a {@link TestCertificate}. Every request is recorded
 * ({@link #requests()}) so a test can tell which way a client went.
 */
public final class RedfishEmulator implements AutoCloseable {
    static final String SYSTEM = "/redfish/v1/Systems/kmpw-1";
    static final String SESSIONS = "/redfish/v1/SessionService/Sessions";
    static final List<String> RESET_TYPES = List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart", "PushPowerButton");
    static final List<String> BOOT_TARGETS = List.of("None", "Pxe", "Hdd");

    private final ObjectMapper json = new ObjectMapper();
    private final QemuChassis chassis;
    private final String user;
    private final String password;
    private final HttpsServer server;
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();

    public RedfishEmulator(QemuChassis chassis, TestCertificate certificate, String user, String password) {
        this.chassis = chassis;
        this.user = user;
        this.password = password;
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kmpw-redfish");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/redfish", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The service's base URL, {@code https://127.0.0.1:PORT}. */
    public String url() {
        return "https://127.0.0.1:" + port();
    }

    /** The system's path, {@code /redfish/v1/Systems/kmpw-1}. */
    public String systemPath() {
        return SYSTEM;
    }

    public QemuChassis chassis() {
        return chassis;
    }

    /**
     * {@code METHOD path auth client} for every request served: auth is session, basic or none,
     * client the first word of its User-Agent ({@code Java-http-client}, {@code python-requests}).
     */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public int openSessions() {
        return sessions.size();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            // One request a connection: python clients (requests, under sushy) reusing a kept-alive
            // connection got "remote end closed connection" on their next POST, which they do not retry.
            x.getResponseHeaders().set("Connection", "close");
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getPath().replaceAll("/+$", "");
            String auth = authenticated(x);
            String agent = x.getRequestHeaders().getFirst("User-Agent");
            requests.add(method + " " + path + " " + (auth == null ? "none" : auth) + " "
                    + (agent == null ? "-" : agent.split("[/ ]")[0]));
            boolean open = path.equals("/redfish") || path.equals("/redfish/v1") || path.equals("/redfish/v1/odata")
                    || path.equals("/redfish/v1/$metadata") || (path.equals(SESSIONS) && method.equals("POST"));
            if (auth == null && !open) {
                x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"kmpw\"");
                error(x, 401, "Base.1.8.NoValidSession", "There is no valid session established with the implementation.");
                return;
            }
            route(x, method, path);
        } catch (RuntimeException | AssertionError e) {
            // The chassis script failed (HostTools throws AssertionError): a 500 that says why.
            error(x, 500, "Base.1.8.InternalError", e.toString());
        }
    }

    private void route(HttpExchange x, String method, String path) throws IOException {
        switch (method + " " + path) {
            case "GET /redfish" -> send(x, 200, json.createObjectNode().put("v1", "/redfish/v1/"));
            case "GET /redfish/v1" -> send(x, 200, RedfishResources.serviceRoot(json));
            case "GET /redfish/v1/Systems" -> send(x, 200, RedfishResources.systems(json));
            case "GET " + SYSTEM -> send(x, 200, system());
            case "PATCH " + SYSTEM -> patch(x);
            case "POST " + SYSTEM + "/Actions/ComputerSystem.Reset" -> reset(x);
            case "GET /redfish/v1/SessionService" -> send(x, 200, RedfishResources.sessionService(json));
            case "GET " + SESSIONS -> send(x, 200, RedfishResources.sessions(json, sessions.values()));
            case "POST " + SESSIONS -> login(x);
            default -> {
                if (method.equals("DELETE") && path.startsWith(SESSIONS + "/")) {
                    String id = path.substring(SESSIONS.length() + 1);
                    boolean removed = sessions.values().remove(id);
                    if (removed) {
                        x.sendResponseHeaders(204, -1);
                    } else {
                        error(x, 404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI " + path + " was not found.");
                    }
                } else if (method.equals("GET") && path.startsWith(SESSIONS + "/") && sessions.containsValue(path.substring(SESSIONS.length() + 1))) {
                    send(x, 200, RedfishResources.session(json, path.substring(SESSIONS.length() + 1), user));
                } else {
                    error(x, 404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI " + path + " was not found.");
                }
            }
        }
    }

    private ObjectNode system() {
        return RedfishResources.system(json, SYSTEM, chassis.powered() ? "On" : "Off", switch (chassis.pendingBoot()) {
            case "pxe" -> "Pxe";
            case "default" -> "Hdd";
            default -> "None";
        });
    }

    private void patch(HttpExchange x) throws IOException {
        JsonNode body = body(x);
        JsonNode boot = body == null ? null : body.get("Boot");
        if (boot == null || !boot.isObject()) {
            error(x, 400, "Base.1.8.PropertyMissing", "The property Boot is a required property and must be included in the request.");
            return;
        }
        String target = boot.path("BootSourceOverrideTarget").asText("Pxe");
        String enabled = boot.path("BootSourceOverrideEnabled").asText("Once");
        if (!BOOT_TARGETS.contains(target)) {
            error(x, 400, "Base.1.8.PropertyValueNotInList", "The value " + target + " for the property BootSourceOverrideTarget is not in the list of acceptable values.");
            return;
        }
        if (!enabled.equals("Once") && !enabled.equals("Disabled")) {
            error(x, 400, "Base.1.8.PropertyValueNotInList", "The value " + enabled + " for the property BootSourceOverrideEnabled is not in the list of acceptable values.");
            return;
        }
        chassis.bootOnce(enabled.equals("Disabled") || target.equals("None") ? "none" : target.equals("Pxe") ? "pxe" : "default");
        send(x, 200, system());
    }

    private void reset(HttpExchange x) throws IOException {
        JsonNode body = body(x);
        String type = body == null ? "" : body.path("ResetType").asText("");
        switch (type) {
            case "On" -> chassis.powerOn();
            case "ForceOff" -> chassis.powerOff();
            case "GracefulShutdown", "PushPowerButton" -> {
                if (chassis.powered()) {
                    chassis.pressPowerButton();
                } else if (type.equals("PushPowerButton")) {
                    chassis.powerOn();
                }
            }
            case "ForceRestart" -> {
                chassis.powerOff();
                chassis.powerOn();
            }
            default -> {
                error(x, 400, "Base.1.8.ActionParameterValueNotInList", "The value " + type
                        + " for the parameter ResetType in the action ComputerSystem.Reset is not in the list of acceptable values.");
                return;
            }
        }
        x.sendResponseHeaders(204, -1);
    }

    private void login(HttpExchange x) throws IOException {
        JsonNode body = body(x);
        String u = body == null ? "" : body.path("UserName").asText("");
        String p = body == null ? "" : body.path("Password").asText("");
        if (!equal(u, user) || !equal(p, password)) {
            error(x, 401, "Base.1.8.NoValidSession", "There is no valid session established with the implementation.");
            return;
        }
        byte[] t = new byte[24];
        random.nextBytes(t);
        String token = HexFormat.of().formatHex(t);
        String id = Integer.toString(1 + random.nextInt(1_000_000));
        sessions.put(token, id);
        x.getResponseHeaders().add("X-Auth-Token", token);
        x.getResponseHeaders().add("Location", SESSIONS + "/" + id);
        send(x, 201, RedfishResources.session(json, id, user));
    }

    /** session, basic or null: how (or whether) the request authenticated. */
    private String authenticated(HttpExchange x) {
        String token = x.getRequestHeaders().getFirst("X-Auth-Token");
        if (token != null && sessions.containsKey(token)) {
            return "session";
        }
        String basic = x.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0 && equal(decoded.substring(0, colon), user) && equal(decoded.substring(colon + 1), password)) {
                return "basic";
            }
        }
        return null;
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode body(HttpExchange x) throws IOException {
        byte[] b = x.getRequestBody().readAllBytes();
        try {
            return b.length == 0 ? null : json.readTree(b);
        } catch (IOException e) {
            return null;
        }
    }

    private void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        x.getResponseHeaders().add("OData-Version", "4.0");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private void error(HttpExchange x, int status, String messageId, String message) throws IOException {
        send(x, status, RedfishResources.error(json, messageId, message));
    }

    /** Stops the service and powers the VM off. */
    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        chassis.close();
    }
}
