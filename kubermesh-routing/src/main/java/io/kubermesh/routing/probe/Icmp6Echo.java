package io.kubermesh.routing.probe;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.netlink.internal.LibC;
import io.kubermesh.routing.netlink.internal.NamespaceThread;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ICMPv6 echo (RFC 4443 section 4.1) from this node to a list of addresses at once: one raw
 * ICMPv6 socket (root, or CAP_NET_RAW), an Echo Request to every address not answered yet every
 * {@link #RESEND} (so an address that becomes reachable during the timeout is found within one
 * resend, not at the next probe), answers matched by identifier, sequence number and a random
 * token, all within one timeout. The round trip is that of the echo answered. The kernel fills in
 * the checksum (RFC 3542 section 3.1) and picks the source address, as it would for any
 * traffic the node sends: the host address, since port addresses are never preferred.
 *
 * <p>With a namespace name the socket is opened inside that namespace, so a JVM in the root
 * namespace probes from a lab machine; without one, from wherever this process runs.
 */
public final class Icmp6Echo {
    /** The answer for one address: reachable with its round-trip time, or not within the timeout. */
    public record Result(Ipv6Address address, boolean reachable, Optional<Duration> roundTrip) {
    }

    static final int AF_INET6 = 10;
    static final int IPPROTO_ICMPV6 = 58;
    static final int ECHO_REQUEST = 128;
    static final int ECHO_REPLY = 129;
    /** Type, code, checksum, identifier, sequence (8 bytes) and a 16-byte token. */
    static final int MESSAGE_BYTES = 8 + 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How often an unanswered address is asked again within the timeout. */
    static final Duration RESEND = Duration.ofMillis(100);

    private Icmp6Echo() {
    }

    /**
     * Echoes to each of {@code targets} (at most 65,535) until each is answered or
     * {@code timeout} has passed (one echo each when there are too many targets to number their
     * resends); results in the order of {@code targets}.
     */
    public static List<Result> probe(List<Ipv6Address> targets, Duration timeout, Optional<String> netns) {
        if (targets.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 addresses per probe, got " + targets.size());
        }
        if (targets.isEmpty()) {
            return List.of();
        }
        if (netns.isEmpty()) {
            return run(targets, timeout);
        }
        try (NamespaceThread ns = NamespaceThread.enter(netns.get())) {
            int fd = ns.call(() -> LibC.socket(AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, IPPROTO_ICMPV6));
            return exchange(fd, targets, timeout);
        }
    }

    private static List<Result> run(List<Ipv6Address> targets, Duration timeout) {
        int fd = LibC.socket(AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, IPPROTO_ICMPV6);
        return exchange(fd, targets, timeout);
    }

    private static List<Result> exchange(int fd, List<Ipv6Address> targets, Duration timeout) {
        try {
            // Wake up every 20 ms to resend on time; a reply arriving wakes it at once.
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeval(20_000));
            int identifier = RANDOM.nextInt(0x10000);
            byte[] token = new byte[16];
            RANDOM.nextBytes(token);
            int n = targets.size();
            // Sequence number = round * n + target: a reply says which send it answers.
            int rounds = (int) Math.max(1, Math.min(timeout.toNanos() / RESEND.toNanos(), 0x10000 / n));
            long[] sentAt = new long[rounds * n];
            Duration[] answered = new Duration[n];
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            long nextRound = start;
            int round = 0;
            int left = n;
            byte[] buf = new byte[1500];
            while (left > 0) {
                long now = System.nanoTime();
                if (round < rounds && now - nextRound >= 0) {
                    for (int i = 0; i < n; i++) {
                        if (answered[i] == null) {
                            int seq = round * n + i;
                            try {
                                LibC.sendto(fd, request(identifier, seq, token), sockaddr(targets.get(i)));
                                sentAt[seq] = System.nanoTime();
                            } catch (RuntimeException e) {
                                // No route yet (ENETUNREACH) and the like: sent again next round.
                            }
                        }
                    }
                    round++;
                    nextRound = now + RESEND.toNanos();
                }
                if (now - deadline >= 0) {
                    break;
                }
                int len = LibC.recv(fd, buf);
                if (len < 0) {
                    continue;
                }
                int seq = replySequence(ByteBuffer.wrap(buf, 0, len), identifier, token);
                if (seq >= 0 && seq < sentAt.length && sentAt[seq] != 0 && answered[seq % n] == null) {
                    answered[seq % n] = Duration.ofNanos(System.nanoTime() - sentAt[seq]);
                    left--;
                }
            }
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Result(targets.get(i), answered[i] != null, Optional.ofNullable(answered[i])));
            }
            return out;
        } finally {
            LibC.close(fd);
        }
    }

    /** An Echo Request, checksum left 0 for the kernel. */
    static byte[] request(int identifier, int sequence, byte[] token) {
        ByteBuffer b = ByteBuffer.allocate(MESSAGE_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0);
        b.putShort((short) identifier).putShort((short) sequence).put(token);
        return b.array();
    }

    /**
     * The sequence number of an Echo Reply to one of our requests (our identifier, our token), or
     * -1 for anything else the socket sees (other replies, neighbour discovery, errors).
     */
    static int replySequence(ByteBuffer message, int identifier, byte[] token) {
        ByteBuffer b = message.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < MESSAGE_BYTES || (b.get(0) & 0xFF) != ECHO_REPLY || b.get(1) != 0) {
            return -1;
        }
        if ((b.getShort(4) & 0xFFFF) != identifier) {
            return -1;
        }
        for (int i = 0; i < token.length; i++) {
            if (b.get(8 + i) != token[i]) {
                return -1;
            }
        }
        return b.getShort(6) & 0xFFFF;
    }

    /** struct sockaddr_in6: family and scope in host order, port 0 (raw), flow 0, the address. */
    static byte[] sockaddr(Ipv6Address address) {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0).putInt(0).put(address.toBytes());
        b.order(ByteOrder.nativeOrder()).putInt(0);
        return b.array();
    }

    /** struct timeval {long tv_sec; long tv_usec;} on a 64-bit Linux. */
    private static byte[] timeval(long micros) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
        return b.array();
    }
}
