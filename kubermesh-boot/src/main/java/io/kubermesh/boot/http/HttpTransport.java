package io.kubermesh.boot.http;

import com.sun.net.httpserver.HttpHandler;
import io.kubermesh.api.KubermeshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server: the socket loop under {@link BootHttpServer}. One thread per
 * connection (bounded), keep-alive, request heads up to {@link HttpConnection#MAX_HEAD} bytes,
 * bodies by Content-Length. It hands each request to a JDK {@link HttpHandler} as an
 * {@link com.sun.net.httpserver.HttpExchange}, and lets asset responses go out with
 * {@code sendfile} ({@link TransportExchange#sendFile}), which the JDK server cannot.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final ServerSocketChannel server;
    private final ExecutorService connections;
    private final Semaphore slots;
    private final Thread acceptor;
    private final Set<HttpConnection> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "boot-http-reaper");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    HttpTransport(InetSocketAddress bind, HttpHandler handler, int maxConnections) {
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, 128);
        } catch (IOException e) {
            throw new KubermeshException("cannot bind HTTP to " + bind + ": " + e.getMessage(), e);
        }
        slots = new Semaphore(maxConnections);
        AtomicInteger n = new AtomicInteger();
        connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "boot-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(() -> accept(handler), "boot-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        reaper.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            live.stream().filter(c -> c.idleTooLong(now)).forEach(HttpConnection::abort);
        }, 5, 5, TimeUnit.SECONDS);
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new KubermeshException("HTTP server closed", e);
        }
    }

    private void accept(HttpHandler handler) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("HTTP accept failed: {}", e.toString());
                }
                return;
            }
            if (!slots.tryAcquire()) {
                LOG.warn("HTTP refusing a connection: all connection slots busy");
                HttpConnection.refuse(ch);
                continue;
            }
            try {
                connections.execute(() -> {
                    HttpConnection c = new HttpConnection(ch, handler);
                    live.add(c);
                    try {
                        c.run();
                    } finally {
                        live.remove(c);
                        slots.release();
                    }
                });
            } catch (RuntimeException e) {
                slots.release();
                HttpConnection.refuse(ch);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        reaper.shutdownNow();
        live.forEach(HttpConnection::abort);
        connections.shutdownNow();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
