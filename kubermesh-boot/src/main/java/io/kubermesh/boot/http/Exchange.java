package io.kubermesh.boot.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;

/**
 * One request and its response: what a route of {@link BootHttpServer} sees. Bodies are small
 * (capped per route before the request gets here); a file goes out with zero copy
 * ({@link DefaultFileRegion}, sendfile). Exactly one response per exchange; the transport writes
 * it on the connection's event loop, whichever thread answers.
 */
final class Exchange {
    final String method;
    /** The request target as sent (path and query, still percent-encoded). */
    final String target;
    final String rawPath;
    /** The raw query, or {@code null}. */
    final String rawQuery;
    final HttpHeaders headers;
    final InetSocketAddress remote;
    final InetSocketAddress local;
    final byte[] body;
    private final Channel channel;
    private final boolean keepAlive;
    private final Runnable written;
    private final ConnectionDeadlines deadlines;
    /** Extra response headers a route sets before it answers. */
    final HttpHeaders responseHeaders = new DefaultHttpHeaders(false);
    private boolean answered;

    Exchange(Channel channel, ConnectionDeadlines deadlines, String method, String target, HttpHeaders headers,
             byte[] body, boolean keepAlive, Runnable written) {
        this.channel = channel;
        this.deadlines = deadlines;
        this.method = method;
        this.target = target;
        int q = target.indexOf('?');
        this.rawPath = q < 0 ? target : target.substring(0, q);
        this.rawQuery = q < 0 ? null : target.substring(q + 1);
        this.headers = headers;
        this.remote = (InetSocketAddress) channel.remoteAddress();
        this.local = (InetSocketAddress) channel.localAddress();
        this.body = body;
        this.keepAlive = keepAlive;
        this.written = written;
    }

    boolean head() {
        return method.equals("HEAD");
    }

    boolean answered() {
        return answered;
    }

    /** Answers with {@code body} (not sent for HEAD, its length still declared). */
    void respond(int status, String contentType, byte[] content) {
        respond(status, contentType, content.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
    }

    /** Answers with {@code content}, which this takes over (released once sent, or at once for HEAD). */
    void respond(int status, String contentType, ByteBuf content) {
        claim();
        int length = content.readableBytes();
        if (head()) {
            content.release();
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                head() ? Unpooled.EMPTY_BUFFER : content, responseHeaders, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        finish(channel.writeAndFlush(prepare(r)));
    }

    /** Where pooled buffers for small answers come from. */
    io.netty.buffer.ByteBufAllocator alloc() {
        return channel.alloc();
    }

    /**
     * Answers with {@code length} bytes of {@code file} from {@code position} (the channel is
     * closed once sent); for HEAD only the headers. A write that makes no progress for the
     * write deadline closes the connection.
     */
    void respondFile(int status, FileChannel file, long position, long length) throws IOException {
        claim();
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), responseHeaders);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                .set(HttpHeaderNames.CONTENT_LENGTH, length);
        channel.write(prepare(r));
        if (head() || length == 0) {
            file.close();
            finish(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
            return;
        }
        deadlines.writing();
        channel.write(new DefaultFileRegion(file, position, length), channel.newProgressivePromise())
                .addListener(new ChannelProgressiveFutureListener() {
                    @Override
                    public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
                        deadlines.progress();
                    }

                    @Override
                    public void operationComplete(ChannelProgressiveFuture f) {
                        // the region closes its file when released
                    }
                });
        finish(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    private void claim() {
        if (answered) {
            throw new IllegalStateException("exchange answered twice");
        }
        answered = true;
    }

    private HttpResponse prepare(HttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return r;
    }

    private void finish(ChannelFuture f) {
        deadlines.writing();
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess() || !keepAlive) {
                done.channel().close();
            } else {
                written.run();
            }
        });
    }

    /** A connection to give up on (the route failed after answering half). */
    void abort() {
        channel.close();
    }
}
