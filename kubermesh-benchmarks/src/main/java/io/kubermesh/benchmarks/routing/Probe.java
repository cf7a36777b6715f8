package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Ipv6Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 10 ms ping probe from one namespace to one address (iputils {@code ping -D}, line-buffered
 * through {@code stdbuf}), its replies collected as they come: wall-clock time in microseconds and
 * the reply's hop limit, which tells how many hops away the answering node is. The source address
 * is given, so the probe starts and keeps sending even while there is no route yet; a count
 * rather than a deadline bounds it, as with a deadline iputils ping exits on the first ICMP error
 * (a router on the way without a route yet).
 */
final class Probe implements AutoCloseable {
    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+)\\.(\\d{6})\\] \\d+ bytes from .* ttl=(\\d+)");
    /** The hop limit our namespaces' kernels put on an echo reply. */
    static final int HOP_LIMIT = 64;

    /** One echo reply: when it arrived (epoch microseconds) and its hop limit. */
    record Reply(long micros, int ttl) {
    }

    private final Process process;
    private final List<Reply> replies = new CopyOnWriteArrayList<>();
    private final java.util.Deque<String> tail = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Thread reader;

    Probe(String ns, Ipv6Address source, Ipv6Address target, int seconds) {
        try {
            process = new ProcessBuilder("ip", "netns", "exec", ns, "stdbuf", "-oL", "ping", "-6", "-D", "-n", "-i", "0.01",
                    "-W", "1", "-c", Integer.toString(seconds * 100), "-I", source.toString(), target.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start ping in " + ns, e);
        }
        reader = new Thread(this::read, "probe-" + ns);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                tail.addLast(line);
                if (tail.size() > 5) {
                    tail.pollFirst();
                }
                Matcher m = REPLY.matcher(line);
                if (m.find()) {
                    replies.add(new Reply(Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(m.group(2)),
                            Integer.parseInt(m.group(3))));
                }
            }
        } catch (IOException e) {
            // the probe was stopped
        }
    }

    /**
     * The first reply at or after {@code sinceMicros} from a node {@code hops} cables away (any
     * when negative), or null: the {@code hops - 1} routers between decrement its hop limit.
     */
    Reply first(long sinceMicros, int hops) {
        for (Reply r : replies) {
            if (r.micros() >= sinceMicros && (hops < 0 || r.ttl() == HOP_LIMIT - (hops - 1))) {
                return r;
            }
        }
        return null;
    }

    /** The last lines the probe printed, for a failure message. */
    String tail() {
        return String.join(" | ", tail);
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
