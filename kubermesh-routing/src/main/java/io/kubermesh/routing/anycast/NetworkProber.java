package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.routing.netlink.internal.NamespaceThread;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target, service.port()), timeoutMillis);
            if (service.check() instanceof HealthCheck.Http http) {
                return http(s, http.path(), service.port(), timeoutMillis);
            }
            if (service.check() instanceof HealthCheck.Https https) {
                Optional<javax.net.ssl.SSLContext> context = tls.get();
                if (context.isEmpty()) {
                    return "no node certificate yet for the https check of " + where;
                }
                s.setSoTimeout(timeoutMillis);
                try (javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) context.get().getSocketFactory()
                        .createSocket(s, target.getHostAddress().replaceAll("%.*", ""), service.port(), true)) {
                    tlsSocket.startHandshake();
                    return http(tlsSocket, https.path(), service.port(), timeoutMillis);
                }
            }
            return null;
        } catch (IOException e) {
            return "no server at " + where + ": " + e.getMessage();
        }
    }

    private String http(Socket s, String path, int port, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        String host = target instanceof java.net.Inet6Address ? "[" + target.getHostAddress().replaceAll("%.*", "") + "]"
                : target.getHostAddress();
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUser-Agent: kubermesh-health\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n' && line.length() < 256) {
            line.append((char) ch);
        }
        Matcher m = STATUS.matcher(line.toString().trim());
        if (m.matches() && m.group(1).charAt(0) == '2') {
            return null;
        }
        return "GET " + path + " on port " + port + " answered " + (line.length() == 0 ? "nothing" : line.toString().trim());
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
        if (namespace != null) {
            namespace.close();
        }
    }
}
