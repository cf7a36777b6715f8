package io.kubermesh.boot.http;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of every phase of one connection: waiting for a request ({@link Phase#IDLE}), its
 * head ({@link Phase#HEAD}, from its first byte), its body ({@link Phase#BODY}, from the end of
 * the head) and the response ({@link Phase#WRITING}: closed when no byte went out for the write
 * deadline, so a large asset to a slow but live client is never cut, a client that stopped
 * reading is). While the server itself works on a request ({@link Phase#HANDLING}) no deadline
 * runs: what it waits on (the machine directory) is bounded on its own. Phases past their
 * deadline close the connection; nothing else does.
 *
 * <p>Used on the connection's event loop only. Phase changes only set two fields (they happen
 * several times per request, at tens of thousands of requests a second); one timer per event loop
 * ({@link Watch}) checks every connection of that loop every {@link #TICK}, so a deadline holds to
 * within that, and a connection costs no timer of its own.
 */
final class ConnectionDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadlines.class);
    /** How often a connection's deadlines are checked. */
    static final Duration TICK = Duration.ofMillis(500);

    /** Where a connection is. */
    enum Phase { IDLE, HEAD, BODY, HANDLING, WRITING }

    /**
     * The limits.
     *
     * @param idle waiting for the first byte of a request (keep-alive)
     * @param head from the first byte to the end of the request head
     * @param body from the end of the head to the end of the body
     * @param writeStall longest time a response write may make no progress
     */
    record Limits(Duration idle, Duration head, Duration body, Duration writeStall) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(15));
    }

    private final Channel channel;
    private final Limits limits;
    // Written on the event loop, and by a worker thread that answers (writing()); volatile, each
    // time written before the phase it belongs to, so the loop never pairs a phase with a stale time.
    private volatile Phase phase = Phase.IDLE;
    private volatile long phaseStart = System.nanoTime();
    private volatile long lastProgress;

    /** The connections of one event loop and the one timer that checks them (touched on that loop only). */
    static final class Watch {
        private final java.util.Set<ConnectionDeadlines> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private final io.netty.channel.EventLoop loop;
        private ScheduledFuture<?> timer;

        Watch(io.netty.channel.EventLoop loop) {
            this.loop = loop;
        }

        void add(ConnectionDeadlines d) {
            live.add(d);
            if (timer == null) {
                long tick = TICK.toNanos();
                timer = loop.scheduleAtFixedRate(this::checkAll, tick, tick, TimeUnit.NANOSECONDS);
            }
        }

        void remove(ConnectionDeadlines d) {
            live.remove(d);
        }

        private void checkAll() {
            for (ConnectionDeadlines d : new java.util.ArrayList<>(live)) {
                d.check();
            }
        }

        void stop() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /** One {@link Watch} per event loop. */
    static final class Watches {
        private final java.util.concurrent.ConcurrentHashMap<io.netty.channel.EventLoop, Watch> byLoop =
                new java.util.concurrent.ConcurrentHashMap<>();

        Watch of(io.netty.channel.EventLoop loop) {
            return byLoop.computeIfAbsent(loop, Watch::new);
        }
    }

    private final Watch watch;

    ConnectionDeadlines(Channel channel, Limits limits, Watch watch) {
        this.channel = channel;
        this.limits = limits;
        this.watch = watch;
        watch.add(this);
    }

    Phase phase() {
        return phase;
    }

    /** Bytes arrived: an idle connection starts a request head. */
    void bytesArrived() {
        if (phase == Phase.IDLE) {
            enter(Phase.HEAD);
        }
    }

    void headDone(boolean bodyFollows) {
        enter(bodyFollows ? Phase.BODY : Phase.HANDLING);
    }

    void bodyDone() {
        enter(Phase.HANDLING);
    }

    void writing() {
        if (phase != Phase.WRITING) {
            lastProgress = System.nanoTime();
            enter(Phase.WRITING);
        }
    }

    /** Response bytes went out. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** The response is out: wait for the next request. */
    void idle() {
        enter(Phase.IDLE);
    }

    /** Stops checking (the connection closed, or the transport took it over). */
    void cancel() {
        watch.remove(this);
    }

    private void enter(Phase p) {
        phaseStart = System.nanoTime();
        phase = p;
    }

    private void check() {
        if (!channel.isActive()) {
            cancel();
            return;
        }
        Phase phase = this.phase;
        long now = System.nanoTime();
        Duration limit = switch (phase) {
            case IDLE -> limits.idle();
            case HEAD -> limits.head();
            case BODY -> limits.body();
            case WRITING -> limits.writeStall();
            case HANDLING -> null;
        };
        long since = phase == Phase.WRITING ? lastProgress : phaseStart;
        if (limit == null || now - since <= limit.toNanos()) {
            return;
        }
        if (phase != Phase.IDLE) {
            LOG.info("HTTP {} -> {}: closed, {} took longer than its deadline", channel.remoteAddress(),
                    channel.localAddress(), phase.name().toLowerCase(java.util.Locale.ROOT));
        }
        cancel();
        channel.close();
    }
}
