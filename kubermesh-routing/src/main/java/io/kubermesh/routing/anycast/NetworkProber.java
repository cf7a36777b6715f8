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
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    /** Connections opened for HTTP(S) checks, for tests and the curious. */
    private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();
    /** The longest response head and body a check reads; a longer one is read no further and its connection dropped. */
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_BODY = 1024 * 1024;

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
        Kept k = kept.remove(service.name());
        if (k != null && (k.port != service.port() || k.secure != secure)) {
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

    private Kept open(AnycastService service, boolean secure, int timeoutMillis) throws IOException, NoContext {
        Optional<javax.net.ssl.SSLContext> context = secure ? tls.get() : Optional.empty();
        if (secure && context.isEmpty()) {
            throw new NoContext();
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(target, service.port()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            Socket io = s;
            if (secure) {
                javax.net.ssl.SSLSocket t = (javax.net.ssl.SSLSocket) context.get().getSocketFactory()
                        .createSocket(s, target.getHostAddress().replaceAll("%.*", ""), service.port(), true);
                t.startHandshake();
                io = t;
            }
            opened.incrementAndGet();
            return new Kept(io, service.port(), secure);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // failed already
            }
            throw e;
        }
    }

    /**
     * One GET on {@code k}: null when it answered 2xx, else why not; the connection is kept for
     * the next check when the response allows it (a length, no {@code Connection: close}).
     */
    private String exchange(Kept k, AnycastService service, String path, int timeoutMillis) throws IOException {
        k.socket.setSoTimeout(timeoutMillis);
        String host = target instanceof java.net.Inet6Address ? "[" + target.getHostAddress().replaceAll("%.*", "") + "]"
                : target.getHostAddress();
        k.out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + service.port() + "\r\nUser-Agent: kubermesh-health\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        k.out.flush();
        String status = line(k.in);
        if (status == null) {
            throw new java.io.EOFException("the connection closed before an answer");
        }
        boolean reusable = status.startsWith("HTTP/1.1 ");
        long length = -1;
        boolean chunked = false;
        int head = status.length();
        for (String h = line(k.in); ; h = line(k.in)) {
            if (h == null) {
                throw new java.io.EOFException("the connection closed in the answer's head");
            }
            if (h.isEmpty()) {
                break;
            }
            head += h.length();
            if (head > MAX_HEAD) {
                reusable = false;
                break;
            }
            int colon = h.indexOf(':');
            String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            String value = colon < 0 ? "" : h.substring(colon + 1).trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    reusable = false;
                }
            } else if (name.equals("transfer-encoding")) {
                chunked = value.contains("chunked");
            } else if (name.equals("connection") && value.contains("close")) {
                reusable = false;
            }
        }
        Matcher m = STATUS.matcher(status.trim());
        boolean bodiless = m.matches() && (m.group(1).startsWith("1") || m.group(1).equals("204") || m.group(1).equals("304"));
        if (reusable && !bodiless) {
            reusable = chunked ? skipChunks(k.in) : length >= 0 && length <= MAX_BODY && skip(k.in, length);
        }
        if (reusable) {
            kept.put(service.name(), k);
        } else {
            k.close();
        }
        if (m.matches() && m.group(1).charAt(0) == '2') {
            return null;
        }
        return "GET " + path + " on port " + service.port() + " answered " + (status.isEmpty() ? "nothing" : status.trim());
    }

    /** One line of the head without its CR LF; null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            if (line.length() < MAX_HEAD) {
                line.append((char) ch);
            }
        }
        if (ch < 0 && line.length() == 0) {
            return null;
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static boolean skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new java.io.EOFException("the connection closed in the answer's body");
                }
                s = 1;
            }
            left -= s;
        }
        return true;
    }

    /** Reads a chunked body to its end; false (not to be kept) when it is longer than {@link #MAX_BODY}. */
    private static boolean skipChunks(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new java.io.EOFException("the connection closed in a chunked body");
            }
            long n;
            try {
                n = Long.parseLong(size.split(";", 2)[0].trim(), 16);
            } catch (NumberFormatException e) {
                return false;
            }
            if (n == 0) {
                for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                    // trailer fields: nothing to keep
                }
                return true;
            }
            total += n;
            if (n < 0 || total > MAX_BODY) {
                return false;
            }
            skip(in, n);
            line(in); // the chunk's CR LF
        }
    }

    /** A connection kept from an HTTP(S) check for the next. */
    private static final class Kept {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final int port;
        final boolean secure;

        Kept(Socket socket, int port, boolean secure) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.port = port;
            this.secure = secure;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // dropped either way
            }
        }
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
        kept.values().forEach(Kept::close);
        kept.clear();
        if (namespace != null) {
            namespace.close();
        }
    }
}
