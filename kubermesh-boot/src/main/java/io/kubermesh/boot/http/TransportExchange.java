package io.kubermesh.boot.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One request/response, as a JDK {@link HttpExchange} so handlers are written against the JDK API. */
final class TransportExchange extends HttpExchange {
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

    private final SocketChannel ch;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    TransportExchange(SocketChannel ch, InetSocketAddress remote, InetSocketAddress local, String method, URI uri,
                      String protocol, Headers headers, byte[] body, boolean keepAlive) {
        this.ch = ch;
        this.remote = remote;
        this.local = local;
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
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(rCode).append(' ').append(HttpConnection.reason(rCode)).append("\r\n");
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
                    TransportExchange.this.write(ByteBuffer.wrap(b, off, len));
                    written += len;
                }
            };
        }
        return out;
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
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
