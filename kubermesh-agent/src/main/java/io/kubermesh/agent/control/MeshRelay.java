package io.kubermesh.agent.control;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.spi.AgentChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The asking side of {@code relay}: other nodes' mesh endpoints ({@link MeshControl}) asked over
 * one connection per node, kept open between requests. The TLS handshake is what a request costs
 * (a booting or busy node takes seconds for it, on slow hardware or under emulation), and a
 * substrate polls a booting machine's status and reads every machine's neighbours through one
 * gateway, so it is paid once per node, not per request.
 *
 * <p>An open connection is used again only while it has been idle less than {@link #KEEP_IDLE}
 * and open less than {@link #KEEP_LIFETIME} (both below the server's limits) and while its node
 * is not denied; at most {@link #MAX_IDLE} wait at a time, the oldest closed first. One the far end
 * closed meanwhile (a restart of its agent, a limit) is replaced by a new connection and the
 * request asked again: a mesh request only reads ({@link AgentControl#MESH_REQUESTS}), and the
 * operator's {@code port I down|up} leaves the port as asked once, so asking twice changes nothing. A request that found no whole answer in time ({@link MeshControl.Late}:
 * nothing came for the read time-out, or the whole exchange's deadline passed) is not asked again,
 * nor one whose answer is too long.
 */
public final class MeshRelay implements AutoCloseable {
    static final Duration KEEP_IDLE = Duration.ofSeconds(30);
    static final Duration KEEP_LIFETIME = Duration.ofMinutes(5);
    static final int MAX_IDLE = 32;

    private final Supplier<SSLContext> tls;
    private final int port;
    private final Duration timeout;
    private final Predicate<MacAddress> denied;
    private final LongSupplier nanos;
    private final Map<Ipv6Address, Open> idle = new HashMap<>();
    private long opened;
    private boolean closed;

    private record Open(AgentChannel channel, MacAddress peer, long since, long used) {
    }

    /**
     * @param tls this node's credentials, trusting the cluster CA only (asked at each new connection)
     * @param port the mesh endpoints' port ({@link MeshControl#PORT})
     * @param timeout to connect, for the handshake and for each read; a whole answer gets 5 s more
     * @param denied machines whose agents are not believed
     */
    public MeshRelay(Supplier<SSLContext> tls, int port, Duration timeout, Predicate<MacAddress> denied) {
        this(tls, port, timeout, denied, System::nanoTime);
    }

    MeshRelay(Supplier<SSLContext> tls, int port, Duration timeout, Predicate<MacAddress> denied, LongSupplier nanos) {
        this.tls = tls;
        this.port = port;
        this.timeout = timeout;
        this.denied = denied;
        this.nanos = nanos;
    }

    /** The answer line of the agent at {@code host} to {@code request}. */
    public String ask(Ipv6Address host, String request) {
        Open open = take(host);
        if (open != null && denied.test(open.peer())) {
            open.channel().close(); // denied since it was opened: a new connection is refused by connect
            open = null;
        }
        if (open != null) {
            try {
                String answer = MeshControl.ask(open.channel(), request, timeout.plusSeconds(5));
                give(host, new Open(open.channel(), open.peer(), open.since(), nanos.getAsLong()));
                return answer;
            } catch (MeshControl.Closed e) {
                open.channel().close(); // closed at the far end meanwhile: asked again below on a new connection
            } catch (RuntimeException e) {
                open.channel().close(); // late, or an answer too long: asking again would not change it
                throw e;
            }
        }
        AgentChannel channel = MeshControl.connect(tls.get(), host, port, timeout, denied);
        try {
            String answer = MeshControl.ask(channel, request, timeout.plusSeconds(5));
            long now = nanos.getAsLong();
            give(host, new Open(channel, MeshControl.peer(channel).orElseThrow(), now, now));
            synchronized (this) {
                opened++;
            }
            return answer;
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** How many connections were opened so far (each one a handshake). */
    public synchronized long opened() {
        return opened;
    }

    private Open take(Ipv6Address host) {
        List<Open> stale = new ArrayList<>();
        Open open;
        synchronized (this) {
            expire(stale);
            open = idle.remove(host);
        }
        stale.forEach(o -> o.channel().close());
        return open;
    }

    private void give(Ipv6Address host, Open open) {
        List<Open> stale = new ArrayList<>();
        synchronized (this) {
            expire(stale);
            if (closed || idle.containsKey(host)) {
                stale.add(open); // another request to the same node opened its own meanwhile
            } else {
                if (idle.size() >= MAX_IDLE) {
                    idle.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().used())).ifPresent(oldest -> {
                        stale.add(oldest.getValue());
                        idle.remove(oldest.getKey());
                    });
                }
                idle.put(host, open);
            }
        }
        stale.forEach(o -> o.channel().close());
    }

    /**
     * Moves what waited too long, or was open too long in all, to {@code stale} (closed by the
     * caller outside the lock). Time only: whether a node is denied may take a read of etcd, so it
     * is asked of the one connection taken, outside the lock.
     */
    private void expire(List<Open> stale) {
        long now = nanos.getAsLong();
        List<Ipv6Address> gone = new ArrayList<>();
        idle.forEach((host, o) -> {
            if (now - o.used() >= KEEP_IDLE.toNanos() || now - o.since() >= KEEP_LIFETIME.toNanos()) {
                stale.add(o);
                gone.add(host);
            }
        });
        gone.forEach(idle::remove);
    }

    @Override
    public void close() {
        List<Open> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle.values());
            idle.clear();
        }
        all.forEach(o -> o.channel().close());
    }
}
