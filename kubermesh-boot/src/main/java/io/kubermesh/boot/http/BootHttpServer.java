package io.kubermesh.boot.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineState;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.machine.ProfileCatalog;
import io.kubermesh.boot.tftp.TftpRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The node's HTTP boot service: {@code /boot.ipxe}, the per-machine iPXE script
 * {@code /ipxe?mac=&uuid=&buildarch=&serial=}, the machine's Ignition config {@code /ignition?mac=},
 * public assets {@code /assets/...} with single range requests, and the machine API:
 * {@code GET /machines}, {@code GET /machines/MAC}, {@code POST /machines/MAC/phone-home}
 * with {@code {"state":"installed"}}. Given a boot files directory (the TFTP root), its files are
 * also served at the top level, {@code /snponly.efi}: the URL that DHCPv6 hands to UEFI HTTP boot
 * clients (option 59) names the same binary PXE clients fetch over TFTP.
 *
 * <p>The port a request came in on is named by an {@link IngressResolver}: the {@code clusterI}
 * whose DHCPv6 pool holds the client's address (per the address plan), else the interface of a
 * link-local connection. Secrets
 * (Ignition) and state changes are granted only to the MAC recorded on that same port. Every
 * exchange is logged: client, port, request, status and what was served.
 */
public final class BootHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest request body read (phone-home); bigger ones get 413. */
    static final int MAX_BODY = 4096;
    /** Longest request target accepted; longer ones get 414. */
    static final int MAX_URI = 2048;
    /** Connections served at once; more are answered 503. */
    static final int MAX_CONNECTIONS = 256;

    private final IngressResolver ingress;
    private final MachineService machines;
    private final TftpRoot assets;
    private final TftpRoot bootFiles;
    private final HttpTransport server;

    /**
     * Starts serving. Groups and profiles are read from {@code stateDir/groups} and
     * {@code stateDir/profiles}; machine records and secrets live in {@code stateDir}.
     *
     * @param spec the cluster (its address plan maps client addresses to ports)
     * @param stateDir machine records, secrets, groups and profiles (never served as files)
     * @param assetsDir public files: kernels, initrds
     * @param bind address and port to listen on ({@code [::]:8080} serves every address)
     */
    public BootHttpServer(ClusterSpec spec, Path stateDir, Path assetsDir, InetSocketAddress bind) {
        this(IngressResolver.fromPlan(spec), stateDir, assetsDir, bind);
    }

    /** As above, with the ports named by {@code ingress} instead of the address plan. */
    public BootHttpServer(IngressResolver ingress, Path stateDir, Path assetsDir, InetSocketAddress bind) {
        this(ingress, new MachineService(new MachineStore(stateDir), ProfileCatalog.load(stateDir), Clock.systemUTC()),
                assetsDir, bind);
    }

    /** As above, with the machine service given (tests, or a catalog built in code). */
    public BootHttpServer(IngressResolver ingress, MachineService machines, Path assetsDir, InetSocketAddress bind) {
        this(ingress, machines, assetsDir, null, bind);
    }

    /**
     * As above, also serving the files of {@code bootFilesDir} (the TFTP root, by default Debian's
     * {@code /usr/lib/ipxe}) at the top level for UEFI HTTP boot; {@code null} serves none.
     */
    public BootHttpServer(IngressResolver ingress, MachineService machines, Path assetsDir, Path bootFilesDir,
                          InetSocketAddress bind) {
        this.ingress = ingress;
        this.machines = machines;
        this.assets = new TftpRoot(assetsDir);
        this.bootFiles = bootFilesDir == null ? null : new TftpRoot(bootFilesDir);
        this.server = new HttpTransport(bind, this::handle, MAX_CONNECTIONS);
        LOG.info("HTTP boot serving on {} (assets {}, boot files {})", server.address(), assets.directory(),
                bootFiles == null ? "none" : bootFiles.directory());
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange ex) {
        Reply reply = new Reply(ex);
        String port = "unknown";
        try {
            port = ingress.portOf(ex.getRemoteAddress(), ex.getLocalAddress());
            reply.port = port;
            String raw = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            if (ex.getRequestURI().toString().length() > MAX_URI) {
                reply.text(414, "request target longer than " + MAX_URI + " bytes\n", "too long");
                return;
            }
            String method = ex.getRequestMethod();
            boolean get = method.equals("GET") || method.equals("HEAD");
            String path = ex.getRequestURI().getPath();
            Map<String, String> q = query(rawQuery);
            if (raw.equals("/boot.ipxe") && get) {
                reply.text(200, IpxeScripts.boot(), "boot.ipxe");
            } else if (raw.equals("/ipxe") && get) {
                ipxe(reply, q, port, ex);
            } else if (raw.equals("/ignition") && get) {
                ignition(reply, q, port);
            } else if (raw.startsWith("/assets/") && get) {
                AssetResponder.serve(ex, reply, assets, "asset", path.substring("/assets/".length()));
            } else if (raw.equals("/machines") && get) {
                ArrayNode list = JSON.createArrayNode();
                machines.store().all().forEach(m -> list.add(json(m)));
                reply.json(200, list.toPrettyString(), list.size() + " machines");
            } else if (raw.startsWith("/machines/") && raw.endsWith("/phone-home")) {
                if (!method.equals("POST")) {
                    reply.text(405, "phone-home is a POST\n", "wrong method");
                    return;
                }
                phoneHome(reply, ex, raw.substring("/machines/".length(), raw.length() - "/phone-home".length()), port);
            } else if (raw.startsWith("/machines/") && get) {
                MacAddress mac = MacAddress.parse("mac", URLDecoder.decode(raw.substring(10), StandardCharsets.UTF_8));
                machines.store().get(mac).ifPresentOrElse(m -> reply.json(200, json(m).toPrettyString(), "machine " + mac),
                        () -> reply.text(404, "unknown machine " + mac + "\n", "unknown machine"));
            } else if (bootFiles != null && get && raw.lastIndexOf('/') == 0 && raw.length() > 1) {
                // one path segment only: the boot files root has no subdirectories worth serving
                AssetResponder.serve(ex, reply, bootFiles, "boot file", path.substring(1));
            } else {
                reply.text(404, "not found\n", "no such route");
            }
        } catch (ConfigurationException | IllegalArgumentException e) {
            reply.text(400, "bad request: " + e.getMessage() + "\n", "bad request: " + e.getMessage());
        } catch (UncheckedIOException e) {
            reply.aborted("I/O: " + e.getCause());
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {}: failed", ex.getRemoteAddress(), ex.getRequestURI(), e);
            reply.text(500, "internal error\n", "internal error: " + e);
        } finally {
            reply.log();
            ex.close();
        }
    }

    private void ipxe(Reply reply, Map<String, String> q, String port, HttpExchange ex) {
        MacAddress mac = MacAddress.parse("mac", q.get("mac"));
        MachineService.Facts f = new MachineService.Facts(mac, q.getOrDefault("uuid", ""),
                q.getOrDefault("buildarch", ""), q.getOrDefault("serial", ""));
        MachineService.Decision d = machines.boot(f, port);
        if (d instanceof MachineService.Decision.Install i) {
            reply.text(200, IpxeScripts.install(i.profile(), i.machine(), base(ex)),
                    "installer of profile " + i.profile().id() + " for " + mac + " via " + i.why());
        } else if (d instanceof MachineService.Decision.BootDisk b) {
            reply.text(200, IpxeScripts.disk(b.machine()), "boot from disk: " + mac + " is " + b.machine().state());
        } else {
            MachineService.Decision.NoProfile n = (MachineService.Decision.NoProfile) d;
            LOG.warn("HTTP no profile for {} (uuid {}, arch {}, serial {}) on port {}: {}", mac, f.uuid(), f.arch(),
                    f.serial(), port, n.why());
            reply.text(200, IpxeScripts.noProfile(n.why()), "no profile: " + n.why());
        }
    }

    private void ignition(Reply reply, Map<String, String> q, String port) {
        MacAddress mac = MacAddress.parse("mac", q.get("mac"));
        MachineService.Access<String> a = machines.ignition(mac, port);
        if (a instanceof MachineService.Access.Granted<String> g) {
            reply.json(200, g.value(), "Ignition of " + mac);
        } else {
            MachineService.Access.Denied<String> d = (MachineService.Access.Denied<String>) a;
            reply.text(d.httpStatus(), "refused: " + d.why() + "\n", "Ignition refused: " + d.why());
        }
    }

    private void phoneHome(Reply reply, HttpExchange ex, String rawMac, String port) {
        MacAddress mac = MacAddress.parse("mac", URLDecoder.decode(rawMac, StandardCharsets.UTF_8));
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_BODY) {
            reply.text(413, "phone-home body longer than " + MAX_BODY + " bytes\n", "body too large");
            return;
        }
        String stateText;
        try {
            stateText = JSON.readTree(body).path("state").asText("");
        } catch (IOException e) {
            reply.text(400, "phone-home body is JSON like {\"state\":\"installed\"}\n", "bad JSON");
            return;
        }
        MachineState state;
        try {
            state = MachineState.valueOf(stateText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            reply.text(400, "state must be one of discovered, installing, installed, joined\n", "bad state " + stateText);
            return;
        }
        MachineService.Access<Machine> a = machines.phoneHome(mac, port, state);
        if (a instanceof MachineService.Access.Granted<Machine> g) {
            reply.json(200, json(g.value()).toPrettyString(), "phone-home: " + mac + " now " + state);
        } else {
            MachineService.Access.Denied<Machine> d = (MachineService.Access.Denied<Machine>) a;
            reply.text(d.httpStatus(), "refused: " + d.why() + "\n", "phone-home refused: " + d.why());
        }
    }

    static ObjectNode json(Machine m) {
        return JSON.createObjectNode().put("mac", m.mac().toString()).put("port", m.port()).put("uuid", m.uuid())
                .put("arch", m.arch()).put("serial", m.serial()).put("profile", m.profile())
                .put("state", m.state().name().toLowerCase(Locale.ROOT)).put("firstSeen", m.firstSeen())
                .put("lastSeen", m.lastSeen());
    }

    /** The absolute base URL the client used (its Host header), for URLs the installer fetches. */
    private String base(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]%-]+")) {
            InetSocketAddress l = ex.getLocalAddress();
            String a = l.getAddress().getHostAddress();
            int pct = a.indexOf('%');
            host = (l.getAddress() instanceof Inet6Address ? "[" + (pct < 0 ? a : a.substring(0, pct)) + "]" : a)
                    + ":" + l.getPort();
        }
        return "http://" + host;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
