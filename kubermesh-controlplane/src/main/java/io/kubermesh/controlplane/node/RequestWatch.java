package io.kubermesh.controlplane.node;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the leader's loop when a certificate request arrives, so a booting machine's Ignition
 * config waits for one etcd round trip instead of up to a whole tick: a watch on the requests
 * prefix through the member client. When that client is replaced, or the watch fails, it is made
 * again at the next {@link #follow}; without it the leader still looks at every tick, so the watch
 * only ever makes an answer sooner.
 */
final class RequestWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestWatch.class);

    private final Runnable wake;
    private Watch.Watcher watcher;
    /** The client watched through; null once the watch failed. */
    private volatile Client watched;

    RequestWatch(Runnable wake) {
        this.wake = wake;
    }

    /** Watches through {@code client}, unless it already does. */
    synchronized void follow(Client client) {
        if (watcher != null && watched == client) {
            return;
        }
        close();
        try {
            watcher = client.getWatchClient().watch(ByteSequence.from(EtcdAccess.REQUESTS_PREFIX, StandardCharsets.UTF_8),
                    WatchOption.builder().isPrefix(true).build(), Watch.listener(response -> wake.run(), error -> {
                        LOG.debug("etcd: certificate request watch ended: {}", error.toString());
                        watched = null;
                    }));
            watched = client;
        } catch (RuntimeException e) {
            LOG.debug("etcd: no certificate request watch (the leader looks at every tick): {}", e.toString());
            watcher = null;
            watched = null;
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                LOG.debug("etcd: closing the certificate request watch: {}", e.toString());
            }
            watcher = null;
        }
        watched = null;
    }
}
