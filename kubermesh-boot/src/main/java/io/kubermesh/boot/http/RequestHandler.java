package io.kubermesh.boot.http;

import io.kubermesh.boot.internal.LogText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One connection's requests after Netty's HTTP/1.1 codec: checks the head (target length,
 * declared body against the route's cap), collects a small body into one array no longer than
 * that cap, moves the {@link ConnectionDeadlines} from phase to phase and hands one
 * {@link Exchange} at a time to the {@link Routes}. While a request is served the connection
 * reads nothing more (back-pressure); pipelined requests already decoded wait their turn.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);
    /** Longest request target accepted; longer ones get 414. */
    static final int MAX_URI = 2048;
    /** How long an answered error waits for the client to stop sending before the connection closes. */
    static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);

    /** What the server does with a complete request. */
    interface Routes {
        /** The largest body {@code method} {@code rawPath} may carry (0: none). */
        int bodyCap(String method, String rawPath);

        /** Serves the exchange, now or later, on any thread; answers it exactly once. */
        void serve(Exchange exchange);
    }

    private final Routes routes;
    private final ConnectionDeadlines.Limits limits;
    private ConnectionDeadlines deadlines;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private HttpRequest request;
    private byte[] body;
    private int bodyLength;
    private int cap;
    private boolean busy;
    /** After an error answer: the output is shut, what the client still sends is read and dropped. */
    private boolean draining;
    /** The client will send nothing more: close once the answers are out. */
    private boolean inputClosed;

    private final ConnectionDeadlines.Watches watches;

    RequestHandler(Routes routes, ConnectionDeadlines.Limits limits, ConnectionDeadlines.Watches watches) {
        this.routes = routes;
        this.limits = limits;
        this.watches = watches;
    }

    /** The front of the pipeline, before the codec: raw bytes start a request head. */
    static final class FirstBytes extends ChannelInboundHandlerAdapter {
        private final RequestHandler requests;

        FirstBytes(RequestHandler requests) {
            this.requests = requests;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (requests.deadlines != null) {
                requests.deadlines.bytesArrived();
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadlines = new ConnectionDeadlines(ctx.channel(), limits, watches.of(ctx.channel().eventLoop()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadlines != null) {
            deadlines.cancel();
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (draining) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            pending.add(msg);
            return;
        }
        try {
            read(ctx, (HttpObject) msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpRequest r) {
            request = null;
            if (r.decoderResult().isFailure()) {
                refuse(ctx, r.decoderResult());
                return;
            }
            if (r.uri().length() > MAX_URI) {
                simple(ctx, 414, "request target longer than " + MAX_URI + " bytes");
                return;
            }
            String target = originForm(r.uri());
            if (target == null) {
                simple(ctx, 400, "request target is not an absolute path");
                return;
            }
            r.setUri(target);
            int q = r.uri().indexOf('?');
            cap = routes.bodyCap(r.method().name(), q < 0 ? r.uri() : r.uri().substring(0, q));
            long declared = HttpUtil.getContentLength(r, -1L);
            boolean chunked = HttpUtil.isTransferEncodingChunked(r);
            if (declared > cap || (chunked && cap == 0)) {
                simple(ctx, 413, "request body longer than " + cap + " bytes for " + r.method() + " "
                        + (q < 0 ? r.uri() : r.uri().substring(0, q)));
                return;
            }
            request = r;
            body = null;
            bodyLength = 0;
            deadlines.headDone(declared > 0 || chunked);
        }
        if (msg instanceof HttpContent c && request != null) {
            if (c.decoderResult().isFailure()) {
                request = null;
                refuse(ctx, c.decoderResult());
                return;
            }
            ByteBuf b = c.content();
            int n = b.readableBytes();
            if (n > 0) {
                if (bodyLength + n > cap) {
                    request = null;
                    simple(ctx, 413, "request body longer than " + cap + " bytes");
                    return;
                }
                if (body == null) {
                    body = new byte[cap];
                }
                b.readBytes(body, bodyLength, n);
                bodyLength += n;
            }
            if (c instanceof LastHttpContent) {
                deadlines.bodyDone();
                dispatch(ctx);
            }
        }
    }

    private void dispatch(ChannelHandlerContext ctx) {
        HttpRequest r = request;
        request = null;
        busy = true;
        ctx.channel().config().setAutoRead(false);
        byte[] content = body == null ? new byte[0] : Arrays.copyOf(body, bodyLength);
        Exchange ex = new Exchange(ctx.channel(), deadlines, r.method().name(), r.uri(), r.headers(), content,
                HttpUtil.isKeepAlive(r), () -> next(ctx));
        try {
            routes.serve(ex);
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {}: failed", ex.remote, LogText.escape(r.uri()), e);
            if (!ex.answered()) {
                ex.respond(500, "text/plain; charset=utf-8", "internal error\n".getBytes(StandardCharsets.UTF_8));
            } else {
                ex.abort();
            }
        }
    }

    /**
     * The target as an absolute path with its query (RFC 9112 3.2.1), an absolute-form target
     * (3.2.2) reduced to it; {@code null} when it is neither, or holds a blank or control character.
     */
    static String originForm(String target) {
        String t = target;
        int scheme = t.indexOf("://");
        if (scheme > 0 && t.regionMatches(true, 0, "http", 0, 4) && scheme <= 5) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (!t.startsWith("/")) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return null;
            }
        }
        return t;
    }

    /** The response is out: take the next pipelined request, else read again. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        deadlines.idle();
        while (!busy && !pending.isEmpty()) {
            Object msg = pending.poll();
            try {
                read(ctx, (HttpObject) msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        if (!busy && inputClosed) {
            ctx.close();
        } else if (!busy) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void refuse(ChannelHandlerContext ctx, DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            simple(ctx, 414, "request line too long");
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            simple(ctx, 431, "request head too large");
        } else {
            simple(ctx, 400, "malformed request: " + cause.getMessage());
        }
    }

    /** An error answered by the transport itself; the connection closes after it. */
    private void simple(ChannelHandlerContext ctx, int code, String why) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        LOG.info("HTTP {} -> {}: {} {}", ctx.channel().remoteAddress(), ctx.channel().localAddress(), code,
                LogText.escape(why));
        byte[] text = (why + "\n").getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                Unpooled.wrappedBuffer(text));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        deadlines.writing();
        ctx.writeAndFlush(r).addListener((ChannelFutureListener) f -> lingeringClose(ctx, f.isSuccess()));
    }

    /**
     * Half-closes and drops what the client still sends for up to {@link #LINGER}, so closing with
     * unread input does not reset the connection before the client reads the error (RFC 9112 9.6).
     */
    private void lingeringClose(ChannelHandlerContext ctx, boolean sent) {
        if (!sent || !(ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex)) {
            ctx.close();
            return;
        }
        draining = true;
        deadlines.cancel();
        if (inputClosed) {
            ctx.close();
            return;
        }
        duplex.shutdownOutput();
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * The client shut its sending side (allowed after a request: RFC 9112 9.6): answer what it
     * asked, then close; close at once when nothing is asked.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            inputClosed = true;
            if (!busy && !draining && request == null) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
