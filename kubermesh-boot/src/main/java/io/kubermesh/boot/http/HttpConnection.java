package io.kubermesh.boot.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
                Exchange ex = new Exchange(requestLine[0], uri, requestLine[2], headers, body, keepAlive);
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

    /** One request/response, as a JDK {@link HttpExchange} so handlers are written against the JDK API. */
    final class Exchange extends HttpExchange {
        private final String method;
        private final URI uri;
        private final String protocol;
        private final Headers requestHeaders;
        private final Headers responseHeaders = new Headers();
        private final InputStream body;
        private final Map<String, Object> attributes = new HashMap<>();
        boolean keepAlive;
        boolean headersSent;
        private int code = -1;
        private long declared;
        private long written;
        private OutputStream out;

        Exchange(String method, URI uri, String protocol, Headers headers, byte[] body, boolean keepAlive) {
            this.method = method;
            this.uri = uri;
            this.protocol = protocol;
            this.requestHeaders = headers;
            this.body = new ByteArrayInputStream(body);
            this.keepAlive = keepAlive;
        }

        boolean complete() {
            return declared <= 0 || written == declared;
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
            // the connection outlives the exchange (keep-alive)
        }

        @Override
        public InputStream getRequestBody() {
            return body;
        }

        /**
         * As the JDK: {@code length} > 0 is the body length, -1 no body; 0 (unknown length) is
         * answered by closing the connection after the body.
         */
        @Override
        public void sendResponseHeaders(int rCode, long length) throws IOException {
            if (headersSent) {
                throw new IOException("headers already sent");
            }
            headersSent = true;
            code = rCode;
            boolean head = method.equals("HEAD");
            StringBuilder h = new StringBuilder("HTTP/1.1 ").append(rCode).append(' ').append(reason(rCode)).append("\r\n");
            if (length == 0) {
                keepAlive = false;
            }
            if (!head || !responseHeaders.containsKey("Content-Length")) {
                responseHeaders.set("Content-Length", Long.toString(Math.max(0, length)));
            }
            if (length == 0) {
                responseHeaders.remove("Content-Length");
            }
            responseHeaders.set("Connection", keepAlive ? "keep-alive" : "close");
            for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                for (String v : e.getValue()) {
                    h.append(e.getKey()).append(": ").append(v).append("\r\n");
                }
            }
            h.append("\r\n");
            write(ByteBuffer.wrap(h.toString().getBytes(StandardCharsets.ISO_8859_1)));
            declared = head ? -1 : length;
        }

        /** Sends {@code count} bytes of {@code file} from {@code position} with sendfile (zero copy). */
        void sendFile(FileChannel file, long position, long count) throws IOException {
            long end = position + count;
            long pos = position;
            while (pos < end) {
                long n = file.transferTo(pos, end - pos, ch);
                if (n <= 0) {
                    if (pos >= file.size()) {
                        throw new IOException("file shrank while being sent");
                    }
                    continue;
                }
                pos += n;
            }
            written += count;
        }

        @Override
        public OutputStream getResponseBody() {
            if (out == null) {
                out = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (declared > 0 && written + len > declared) {
                            throw new IOException("body longer than its declared " + declared + " bytes");
                        }
                        HttpConnection.this.write(ByteBuffer.wrap(b, off, len));
                        written += len;
                    }
                };
            }
            return out;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return remote;
        }

        @Override
        public int getResponseCode() {
            return code;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return local;
        }

        @Override
        public String getProtocol() {
            return protocol;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
            throw new UnsupportedOperationException("filters are not supported");
        }

        @Override
        public com.sun.net.httpserver.HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
