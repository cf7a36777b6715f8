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
 * <p>Used on the connection's event loop only: one timer at a time, re-armed at each phase.
 */
final class ConnectionDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDeadlines.class);

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
    private Phase phase;
    private ScheduledFuture<?> timer;
    private long lastProgress;

    ConnectionDeadlines(Channel channel, Limits limits) {
        this.channel = channel;
        this.limits = limits;
        enter(Phase.IDLE);
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

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void enter(Phase p) {
        cancel();
        phase = p;
        Duration limit = switch (p) {
            case IDLE -> limits.idle();
            case HEAD -> limits.head();
            case BODY -> limits.body();
            case WRITING -> limits.writeStall();
            case HANDLING -> null;
        };
        if (limit != null) {
            arm(limit.toNanos(), p);
        }
    }

    private void arm(long nanos, Phase p) {
        timer = channel.eventLoop().schedule(() -> expired(p), nanos, TimeUnit.NANOSECONDS);
    }

    private void expired(Phase p) {
        if (phase != p || !channel.isActive()) {
            return;
        }
        if (p == Phase.WRITING) {
            long quiet = System.nanoTime() - lastProgress;
            long left = limits.writeStall().toNanos() - quiet;
            if (left > 0) {
                arm(left, p);
                return;
            }
        }
        if (p != Phase.IDLE) {
            LOG.info("HTTP {} -> {}: closed, {} took longer than its deadline", channel.remoteAddress(),
                    channel.localAddress(), p.name().toLowerCase(java.util.Locale.ROOT));
        }
        channel.close();
    }
}
