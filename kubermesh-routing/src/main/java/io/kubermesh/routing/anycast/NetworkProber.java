package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real checks: a TCP connect to the service port on the node's host address; an HTTP/1.1 GET
 * of the path answering 2xx; a command exiting 0. Each is bounded by {@code timeout}.
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
        if (c instanceof HealthCheck.Command cmd) {
            return command(cmd);
        }
        return namespace == null ? socketCheck(service) : namespace.call(() -> socketCheck(service));
    }

    private boolean socketCheck(AnycastService service) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target, service.port()), timeoutMillis);
            if (service.check() instanceof HealthCheck.Http http) {
                return http(s, http.path(), service.port());
            }
            if (service.check() instanceof HealthCheck.Https https) {
                Optional<javax.net.ssl.SSLContext> context = tls.get();
                if (context.isEmpty()) {
                    return false;
                }
                s.setSoTimeout(timeoutMillis);
                try (javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) context.get().getSocketFactory()
                        .createSocket(s, target.getHostAddress().replaceAll("%.*", ""), service.port(), true)) {
                    tlsSocket.startHandshake();
                    return http(tlsSocket, https.path(), service.port());
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean http(Socket s, String path, int port) throws IOException {
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
        return m.matches() && m.group(1).charAt(0) == '2';
    }

    private boolean command(HealthCheck.Command cmd) {
        Process p = null;
        try {
            p = new ProcessBuilder(cmd.argv()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
