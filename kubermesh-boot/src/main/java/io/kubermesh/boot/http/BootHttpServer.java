package io.kubermesh.boot.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.tftp.TftpRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The node's HTTP boot service: {@code /boot.ipxe}, the per-machine iPXE script
 * {@code /ipxe?mac=&uuid=&buildarch=&serial=}, the machine's Ignition config
 * {@code /ignition?mac=&secret=}, public assets {@code /assets/...} with single range requests,
 * and the machine API: {@code POST /machines/MAC/phone-home?secret=} with
 * {@code {"state":"installed"}}, and for the node itself and its operator only
 * {@code GET /machines}, {@code GET /machines/MAC} and {@code POST /machines/MAC/reset}. Given a
 * boot files directory (the TFTP root), its files are also served at the top level,
 * {@code /snponly.efi}: the URL that DHCPv6 hands to UEFI HTTP boot clients (option 59).
 *
 * <p>The port a request came in on is named by an {@link IngressResolver}: one of this node's
 * ports, or none. The machine script, Ignition and phone-home are answered only on a port of this
 * node, and what changes a record or carries a secret only on the machine's own port
 * ({@link MachineService}). Public files are served on the event loops; requests that read or
 * write machine records run on a small bounded pool (503 when it is full). Every exchange is
 * logged on one line: client, port, request (boot secrets redacted, control characters escaped),
 * status and what was served.
 */
public final class BootHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest phone-home body; bigger ones get 413. Every other route takes no body. */
    static final int MAX_PHONE_HOME = 4096;
    /** Threads and queue for requests that touch machine records. */
    private static final int WORKERS = 4;
    private static final int QUEUE = 256;

    private final IngressResolver ingress;
    private final MachineService machines;
    private final AssetResponder.Resolver assets;
    private final AssetResponder.Resolver bootFiles;
    private final Predicate<InetAddress> operator;
    private final ExecutorService work;
    private final HttpTransport server;

    /** As below, serving no boot files, the operator on loopback only. */
    public BootHttpServer(IngressResolver ingress, MachineService machines, Path assetsDir, InetSocketAddress bind) {
        this(ingress, machines, assetsDir, null, bind, InetAddress::isLoopbackAddress);
    }

    /** As below, the operator on loopback only. */
    public BootHttpServer(IngressResolver ingress, MachineService machines, Path assetsDir, Path bootFilesDir,
                          InetSocketAddress bind) {
        this(ingress, machines, assetsDir, bootFilesDir, bind, InetAddress::isLoopbackAddress);
    }

    /**
     * Starts serving.
     *
     * @param ingress names this node's port a request came in on
     * @param machines the machine records and decisions
     * @param assetsDir public files: kernels, initrds
     * @param bootFilesDir the files served at the top level (the TFTP root), or {@code null}
     * @param bind address and port to listen on ({@code [::]:8080} serves every address)
     * @param operator the client addresses of the node itself and its operator (machine list, reset)
     */
    public BootHttpServer(IngressResolver ingress, MachineService machines, Path assetsDir, Path bootFilesDir,
                          InetSocketAddress bind, Predicate<InetAddress> operator) {
        this.ingress = ingress;
        this.machines = machines;
        this.assets = new AssetResponder.Resolver(new TftpRoot(assetsDir));
        this.bootFiles = bootFilesDir == null ? null : new AssetResponder.Resolver(new TftpRoot(bootFilesDir));
        this.operator = operator;
        AtomicInteger n = new AtomicInteger();
        this.work = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "boot-http-machines-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = new HttpTransport(bind, new RequestHandler.Routes() {
            @Override
            public int bodyCap(String method, String rawPath) {
                return method.equals("POST") && rawPath.endsWith("/phone-home") ? MAX_PHONE_HOME : 0;
            }

            @Override
            public void serve(Exchange exchange) {
                route(exchange);
            }
        }, ConnectionDeadlines.Limits.DEFAULT, HttpTransport.Caps.DEFAULT,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        LOG.info("HTTP boot serving on {} (assets {}, boot files {})", server.address(), assets.root().directory(),
                bootFiles == null ? "none" : bootFiles.root().directory());
    }

    /** The bound address (with the real port when 0 was asked). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
        work.shutdownNow();
    }

    /** Public files here, on the event loop; what touches machine records on the pool. */
    private void route(Exchange ex) {
        String raw = ex.rawPath;
        boolean get = ex.method.equals("GET") || ex.method.equals("HEAD");
        if (get && (raw.equals("/boot.ipxe") || raw.startsWith("/assets/") || raw.lastIndexOf('/') == 0
                && !raw.equals("/ipxe") && !raw.equals("/ignition") && !raw.equals("/machines"))) {
            handle(ex, publicFile(ex), false);
            return;
        }
        try {
            work.execute(() -> handle(ex, ignored -> records(ex, ignored)));
        } catch (RejectedExecutionException e) {
            Reply reply = new Reply(ex);
            reply.text(503, "busy, retry\n", "refused: machine requests queue full");
            reply.log();
        }
    }

    private interface Route {
        void answer(Reply reply);
    }

    private void handle(Exchange ex, Route route) {
        handle(ex, route, true);
    }

    /** @param named whether the route needs the port (public files need it for the log only) */
    private void handle(Exchange ex, Route route, boolean named) {
        Reply reply = new Reply(ex);
        try {
            if (named || Reply.logging()) {
                reply.port = ingress.portOf(ex.remote, ex.local).orElse("");
            }
            route.answer(reply);
        } catch (ConfigurationException | IllegalArgumentException e) {
            reply.text(400, "bad request: " + e.getMessage() + "\n", "bad request: " + e.getMessage());
        } catch (UncheckedIOException e) {
            reply.sent(reply.status, reply.bytes, reply.what + " aborted: I/O: " + e.getCause());
            if (!ex.answered()) {
                reply.text(500, "internal error\n", "I/O: " + e.getCause());
            }
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {}: failed", ex.remote, io.kubermesh.boot.internal.LogText.escape(Reply.redacted(ex.target)), e);
            reply.text(500, "internal error\n", "internal error: " + e);
        } finally {
            if (!ex.answered()) {
                reply.text(500, "internal error\n", "no answer");
            }
            reply.log();
        }
    }

    private Route publicFile(Exchange ex) {
        return reply -> {
            String raw = ex.rawPath;
            if (raw.equals("/boot.ipxe")) {
                reply.text(200, IpxeScripts.boot(), "boot.ipxe");
            } else if (raw.startsWith("/assets/")) {
                AssetResponder.serve(ex, reply, assets, "asset", decodePath(raw.substring("/assets/".length())));
            } else if (bootFiles != null && raw.length() > 1) {
                // one path segment only: the boot files root has no subdirectories worth serving
                AssetResponder.serve(ex, reply, bootFiles, "boot file", decodePath(raw.substring(1)));
            } else {
                reply.text(404, "not found\n", "no such route");
            }
        };
    }

    private void records(Exchange ex, Reply reply) {
        String raw = ex.rawPath;
        String method = ex.method;
        boolean get = method.equals("GET") || method.equals("HEAD");
        Query q = Query.parse(ex.rawQuery);
        if (raw.equals("/ipxe") && get) {
            MachineScripts.ipxe(machines, reply, q, reply.port, base(ex));
        } else if (raw.equals("/ignition") && get) {
            MachineScripts.ignition(machines, reply, q, reply.port, base(ex));
        } else if (raw.startsWith("/machines/") && raw.endsWith("/phone-home")) {
            if (!method.equals("POST")) {
                reply.text(405, "phone-home is a POST\n", "wrong method");
                return;
            }
            MachineScripts.phoneHome(machines, reply, ex, mac(raw, "/phone-home"), q, reply.port);
        } else if (raw.equals("/machines") || raw.startsWith("/machines/")) {
            if (!operator.test(ex.remote.getAddress())) {
                reply.text(403, "the machine API is for this node and its operator\n", "machine API refused to "
                        + ex.remote.getAddress().getHostAddress());
                return;
            }
            if (raw.equals("/machines") && get) {
                ArrayNode list = JSON.createArrayNode();
                machines.store().all().forEach(m -> list.add(json(m)));
                reply.json(200, list.toPrettyString(), list.size() + " machines");
            } else if (raw.endsWith("/reset") && method.equals("POST")) {
                MachineScripts.reset(machines, reply, mac(raw, "/reset"));
            } else if (get) {
                MacAddress mac = mac(raw, "");
                machines.store().get(mac).ifPresentOrElse(m -> reply.json(200, json(m).toPrettyString(), "machine " + mac),
                        () -> reply.text(404, "unknown machine " + mac + "\n", "unknown machine"));
            } else {
                reply.text(405, "method not allowed\n", "wrong method");
            }
        } else {
            reply.text(404, "not found\n", "no such route");
        }
    }

    private static MacAddress mac(String raw, String suffix) {
        String text = raw.substring("/machines/".length(), raw.length() - suffix.length());
        return MacAddress.parse("mac", URLDecoder.decode(text, StandardCharsets.UTF_8));
    }

    /** A percent-decoded path below a root; the root's own rules refuse what escapes it. */
    private static String decodePath(String raw) {
        return raw.indexOf('%') < 0 ? raw : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static ObjectNode json(Machine m) {
        return JSON.createObjectNode().put("mac", m.mac().toString()).put("node", m.node()).put("port", m.port())
                .put("uuid", m.uuid()).put("arch", m.arch()).put("serial", m.serial()).put("profile", m.profile())
                .put("state", m.state().name().toLowerCase(Locale.ROOT)).put("firstSeen", m.firstSeen())
                .put("lastSeen", m.lastSeen());
    }

    /** The absolute base URL the client used (its Host header), for URLs the installer fetches. */
    private static String base(Exchange ex) {
        String host = ex.headers.get("Host");
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]%-]+")) {
            InetSocketAddress l = ex.local;
            String a = l.getAddress().getHostAddress();
            int pct = a.indexOf('%');
            host = (l.getAddress() instanceof java.net.Inet6Address ? "[" + (pct < 0 ? a : a.substring(0, pct)) + "]" : a)
                    + ":" + l.getPort();
        }
        return "http://" + host;
    }
}
