package io.kubermesh.routing.anycast;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection of a health check (plain, or TLS with the node's context), kept for the
 * next check: {@link #get} sends one GET and reads the whole answer, head and body, so the next
 * request starts on a clean stream; {@link #reusable()} says whether the answer allows another
 * (HTTP/1.1, a length or chunks within {@value #MAX_BODY} octets, no {@code Connection: close}).
 * The caller ({@link NetworkProber}) decides what a failure means.
 */
final class HealthConnection implements AutoCloseable {
    /** The longest answer head and body read; a longer one is read no further and the connection not kept. */
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_BODY = 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final int port;
    private final boolean secure;
    private boolean reusable;

    private HealthConnection(Socket socket, InetAddress target, int port, boolean secure) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.host = target instanceof java.net.Inet6Address ? "[" + plain(target) + "]" : target.getHostAddress();
        this.port = port;
        this.secure = secure;
    }

    /** Connects to {@code target} port {@code port} within {@code timeoutMillis}, with TLS when {@code tls} is given. */
    static HealthConnection open(InetAddress target, int port, Optional<SSLContext> tls, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(target, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            Socket io = s;
            if (tls.isPresent()) {
                SSLSocket t = (SSLSocket) tls.get().getSocketFactory().createSocket(s, plain(target), port, true);
                t.startHandshake();
                io = t;
            }
            return new HealthConnection(io, target, port, tls.isPresent());
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // failed already
            }
            throw e;
        }
    }

    int port() {
        return port;
    }

    boolean secure() {
        return secure;
    }

    /** Whether the last answer leaves the connection fit for the next request. */
    boolean reusable() {
        return reusable;
    }

    /**
     * GET {@code path}, each read waiting at most {@code timeoutMillis}: the answer's status line
     * (its body read and dropped). Throws when the connection closes before the answer's end
     * (an {@link EOFException}) or a read times out.
     */
    String get(String path, int timeoutMillis) throws IOException {
        reusable = false;
        socket.setSoTimeout(timeoutMillis);
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUser-Agent: kubermesh-health\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line(in);
        if (status == null) {
            throw new EOFException("the connection closed before an answer");
        }
        boolean keep = status.startsWith("HTTP/1.1 ");
        long length = -1;
        boolean chunked = false;
        int head = status.length();
        for (String h = line(in); ; h = line(in)) {
            if (h == null) {
                throw new EOFException("the connection closed in the answer's head");
            }
            if (h.isEmpty()) {
                break;
            }
            head += h.length();
            if (head > MAX_HEAD) {
                keep = false;
                break;
            }
            int colon = h.indexOf(':');
            String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    keep = false;
                }
            } else if (name.equals("transfer-encoding")) {
                chunked = value.contains("chunked");
            } else if (name.equals("connection") && value.contains("close")) {
                keep = false;
            }
        }
        String code = status.length() >= 12 ? status.substring(9, 12) : "";
        boolean bodiless = code.startsWith("1") || code.equals("204") || code.equals("304");
        if (keep && !bodiless) {
            keep = chunked ? skipChunks(in) : length >= 0 && length <= MAX_BODY && skip(in, length);
        }
        reusable = keep;
        return status;
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
                    throw new EOFException("the connection closed in the answer's body");
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
                throw new EOFException("the connection closed in a chunked body");
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

    private static String plain(InetAddress a) {
        return a.getHostAddress().replaceAll("%.*", "");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // dropped either way
        }
    }
}
