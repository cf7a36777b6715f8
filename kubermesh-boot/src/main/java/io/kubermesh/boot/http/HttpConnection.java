package io.kubermesh.boot.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** One client connection of {@link HttpTransport}: reads requests, runs the handler, keeps alive. */
final class HttpConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    /** Largest request line plus headers; bigger heads get 431. */
    static final int MAX_HEAD = 16 * 1024;
    /** Largest request body the transport buffers; handlers cap lower themselves. */
    static final int MAX_BODY = 1 << 20;
    static final int IDLE_MILLIS = 30_000;

    private final SocketChannel ch;
    private final HttpHandler handler;
    private final InetSocketAddress remote;
    /** When the connection started waiting for a request, or 0 while one is being served. */
    private volatile long idleSince = System.nanoTime();
    private final InetSocketAddress local;

    HttpConnection(SocketChannel ch, HttpHandler handler) {
        this.ch = ch;
        this.handler = handler;
        InetSocketAddress r = null;
        InetSocketAddress l = null;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            r = (InetSocketAddress) ch.getRemoteAddress();
            l = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            // handled in run(): a connection without addresses is closed
        }
        this.remote = r;
        this.local = l;
    }

    static void refuse(SocketChannel ch) {
        try (ch) {
            ch.write(ByteBuffer.wrap("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            // gone
        }
    }

    void run() {
        try (ch) {
            if (remote == null) {
                return;
            }
            byte[] buf = new byte[MAX_HEAD];
            int have = 0;
            while (true) {
                // read a request head
                int end;
                while ((end = headEnd(buf, have)) < 0) {
                    if (have == buf.length) {
                        simple(431, "request head longer than " + MAX_HEAD + " bytes");
                        return;
                    }
                    int n = read(buf, have, buf.length - have);
                    if (n < 0) {
                        return;
                    }
                    have += n;
                }
                idleSince = 0;
                String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
                int consumed = end + 4;
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                    simple(400, "malformed request line");
                    return;
                }
                Headers headers = new Headers();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon <= 0) {
                        simple(400, "malformed header line");
                        return;
                    }
                    headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
                URI uri;
                try {
                    uri = new URI(requestLine[1]);
                } catch (URISyntaxException e) {
                    simple(400, "malformed request target");
                    return;
                }
                if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
                    simple(400, "request target is not an absolute path");
                    return;
                }
                if (headers.containsKey("Transfer-Encoding")) {
                    simple(501, "chunked request bodies are not accepted; send Content-Length");
                    return;
                }
                long length = 0;
                String cl = headers.getFirst("Content-Length");
                if (cl != null) {
                    try {
                        length = Long.parseLong(cl.trim());
                    } catch (NumberFormatException e) {
                        length = -1;
                    }
                    if (length < 0) {
                        simple(400, "bad Content-Length");
                        return;
                    }
                }
                if (length > MAX_BODY) {
                    simple(413, "request body longer than " + MAX_BODY + " bytes");
                    return;
                }
                // the body: what is already buffered, then the rest from the socket
                byte[] body = new byte[(int) length];
                int fromBuf = (int) Math.min(length, have - consumed);
                System.arraycopy(buf, consumed, body, 0, fromBuf);
                int got = fromBuf;
                while (got < length) {
                    int n = read(body, got, (int) length - got);
                    if (n < 0) {
                        return;
                    }
                    got += n;
                }
                int rest = have - consumed - fromBuf;
                System.arraycopy(buf, consumed + fromBuf, buf, 0, rest);
                have = rest;

                boolean http10 = requestLine[2].equals("HTTP/1.0");
                String conn = headers.getFirst("Connection");
                boolean keepAlive = http10 ? "keep-alive".equalsIgnoreCase(conn) : !"close".equalsIgnoreCase(conn);
                TransportExchange ex = new TransportExchange(ch, remote, local, requestLine[0], uri, requestLine[2], headers,
                        body, keepAlive);
                try {
                    handler.handle(ex);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("HTTP {} {}: handler failed: {}", remote, uri, e.toString());
                    if (!ex.headersSent) {
                        ex.getResponseHeaders().clear();
                        ex.sendResponseHeaders(500, -1);
                    }
                    return;
                }
                if (!ex.headersSent) {
                    ex.sendResponseHeaders(500, -1);
                }
                if (!ex.keepAlive || !ex.complete()) {
                    return;
                }
                idleSince = System.nanoTime();
            }
        } catch (IOException e) {
            LOG.debug("HTTP connection from {} ended: {}", remote, e.toString());
        }
    }

    /**
     * Blocking read straight from the channel. The channel stays in blocking mode (a socket read
     * timeout would switch it to non-blocking and make sendfile spin); idle connections are
     * closed by {@link HttpTransport}'s reaper instead.
     */
    private int read(byte[] b, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, len));
    }

    /** True when idle (between requests) for longer than {@link #IDLE_MILLIS}. */
    boolean idleTooLong(long now) {
        long since = idleSince;
        return since != 0 && now - since > IDLE_MILLIS * 1_000_000L;
    }

    /** Closes the connection (the reaper, or shutdown); its thread ends at its next read or write. */
    void abort() {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static int headEnd(byte[] b, int n) {
        for (int i = 0; i + 3 < n; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void simple(int code, String why) throws IOException {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + " " + reason(code) + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        LOG.info("HTTP {} -> {}: {} {}", remote, local, code, why);
        write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
        write(ByteBuffer.wrap(body));
        lingeringClose();
    }

    /**
     * Half-closes and discards what the client still sends (up to 1 MiB), so closing with unread
     * input does not reset the connection before the client reads the error (RFC 9112 9.6).
     */
    private void lingeringClose() {
        idleSince = System.nanoTime(); // the reaper ends a client that never closes
        try {
            ch.shutdownOutput();
            ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
            long drained = 0;
            while (drained < (1 << 20)) {
                sink.clear();
                int n = ch.read(sink);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 416 -> "Range Not Satisfiable";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
