package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.routing.netlink.internal.NamespaceThread;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real checks: a TCP connect to the service port on the node's host address; an HTTP/1.1 GET
 * of the path answering 2xx; a command exiting 0. Each is bounded by {@code timeout}, or by the
 * service's check interval when that is longer: a service checked every 3 s may take up to 3 s to
 * answer (the next check is not due before), which a busy machine whose TLS handshake alone takes
 * a second needs.
 *
 * <p>An HTTP or HTTPS check keeps its connection for the next one (HTTP/1.1 keep-alive), as a
 * load balancer's health checker does: a TLS handshake per check, every second, cost the node
 * and the server it checks (the etcd member) more than the check itself. A kept connection the
 * server closed meanwhile (its idle limit, a restart) is replaced and the check asked again on a
 * new one; a check that times out is not asked again, and its connection is dropped. A server
 * that answers with {@code Connection: close} or without a length gets a new connection each time.
 *
 * <p>With a namespace, TCP and HTTP sockets are created on a thread inside it (a socket belongs to
 * the namespace of the thread that creates it), so a JVM in the root namespace can check a service
 * in a node's namespace. Commands run as given (wrap them in {@code ip netns exec} if needed).
 */
public final class NetworkProber implements Prober, AutoCloseable {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})( .*)?");
    private final InetAddress target;
    private final int timeoutMillis;
    private final NamespaceThread namespace;
    private final java.util.function.Supplier<Optional<javax.net.ssl.SSLContext>> tls;
    /** Why each service's last check failed; removed when one passes. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** Each HTTP(S) service's connection kept from its last check. */
    private final Map<String, HealthConnection> kept = new ConcurrentHashMap<>();
    /** Connections opened for HTTP(S) checks, for tests and the curious. */
    private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();

    public NetworkProber(InetAddress target, Duration timeout, Optional<String> netns) {
        this(target, timeout, netns, Optional::empty);
    }

    /**
     * With the node's TLS context for {@code https} checks, asked at every such check (the
     * node's certificate may arrive after the prober starts); none makes an {@code https} check fail.
     */
    public NetworkProber(InetAddress target, Duration timeout, Optional<String> netns,
                         java.util.function.Supplier<Optional<javax.net.ssl.SSLContext>> tls) {
        this.tls = tls;
        this.target = target;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
        this.namespace = netns.map(NamespaceThread::enter).orElse(null);
    }

    @Override
    public boolean check(AnycastService service) {
        HealthCheck c = service.check();
        int millis = timeoutMillis(service);
        String failure;
        if (c instanceof HealthCheck.Command cmd) {
            failure = command(cmd, millis);
        } else {
            failure = namespace == null ? socketCheck(service, millis) : namespace.call(() -> socketCheck(service, millis));
        }
        if (failure == null) {
            failures.remove(service.name());
            return true;
        }
        failures.put(service.name(), failure);
        return false;
    }

    /** How long one check of {@code service} may take: the prober's time-out or the service's interval, whichever is longer. */
    int timeoutMillis(AnycastService service) {
        return (int) Math.max(timeoutMillis, Math.min(Integer.MAX_VALUE, service.interval().toMillis()));
    }

    /** Why the service's last check failed (one line), or empty when it passed or never ran. */
    public Optional<String> lastFailure(String service) {
        return Optional.ofNullable(failures.get(service));
    }

    /** Null when the check passes, else why not. */
    private String socketCheck(AnycastService service, int timeoutMillis) {
        String where = "[" + target.getHostAddress().replaceAll("%.*", "") + "]:" + service.port();
        String path = service.check() instanceof HealthCheck.Http http ? http.path()
                : service.check() instanceof HealthCheck.Https https ? https.path() : null;
        if (path == null) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(target, service.port()), timeoutMillis);
                return null;
            } catch (IOException e) {
                return "no server at " + where + ": " + e.getMessage();
            }
        }
        boolean secure = service.check() instanceof HealthCheck.Https;
        HealthConnection k = kept.remove(service.name());
        if (k != null && (k.port() != service.port() || k.secure() != secure)) {
            k.close();
            k = null;
        }
        if (k != null) {
            try {
                return exchange(k, service, path, timeoutMillis);
            } catch (java.net.SocketTimeoutException e) {
                k.close();
                return "no answer from " + where + " within " + timeoutMillis + " ms: " + e.getMessage();
            } catch (IOException e) {
                // closed by the server since the last check (its idle limit, a restart): asked again on a new connection
                k.close();
            }
        }
        try {
            k = open(service, secure, timeoutMillis);
        } catch (NoContext e) {
            return "no node certificate yet for the https check of " + where;
        } catch (IOException e) {
            return "no server at " + where + ": " + e.getMessage();
        }
        try {
            return exchange(k, service, path, timeoutMillis);
        } catch (IOException e) {
            k.close();
            return "no server at " + where + ": " + e.getMessage();
        }
    }

    /** The number of connections HTTP(S) checks have opened. */
    long connectionsOpened() {
        return opened.get();
    }

    private static final class NoContext extends Exception {
        NoContext() {
            super(null, null, false, false);
        }
    }

    private HealthConnection open(AnycastService service, boolean secure, int timeoutMillis) throws IOException, NoContext {
        Optional<javax.net.ssl.SSLContext> context = secure ? tls.get() : Optional.empty();
        if (secure && context.isEmpty()) {
            throw new NoContext();
        }
        HealthConnection c = HealthConnection.open(target, service.port(), context, timeoutMillis);
        opened.incrementAndGet();
        return c;
    }

    /**
     * One GET on {@code c}: null when it answered 2xx, else why not; the connection is kept for
     * the next check when the answer allows it ({@link HealthConnection#reusable()}).
     */
    private String exchange(HealthConnection c, AnycastService service, String path, int timeoutMillis) throws IOException {
        String status = c.get(path, timeoutMillis);
        if (c.reusable()) {
            kept.put(service.name(), c);
        } else {
            c.close();
        }
        Matcher m = STATUS.matcher(status.trim());
        if (m.matches() && m.group(1).charAt(0) == '2') {
            return null;
        }
        return "GET " + path + " on port " + service.port() + " answered " + (status.isEmpty() ? "nothing" : status.trim());
    }

    private String command(HealthCheck.Command cmd, int timeoutMillis) {
        Process p = null;
        try {
            p = CommandLine.configured(cmd.argv()).processBuilder().redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return cmd.argv().get(0) + " did not finish in " + timeoutMillis + " ms";
            }
            return p.exitValue() == 0 ? null : cmd.argv().get(0) + " exited with status " + p.exitValue();
        } catch (IOException e) {
            return "cannot run " + cmd.argv().get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        kept.values().forEach(HealthConnection::close);
        kept.clear();
        if (namespace != null) {
            namespace.close();
        }
    }
}
