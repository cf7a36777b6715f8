package io.kubermesh.routing.anycast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.routing.testing.Namespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anycast health against a real listener (busybox httpd) inside namespace kmrn-a: the /128
 * appears on the stub interface once the check passes {@code rise} times and goes when the
 * listener stops, after {@code fall} failures, or when health checking stops.
 */
class AnycastHealthIT {
    private static final String NS = "kmrn-a";
    private static final String STUB = "kmrnst0";
    private static final Ipv6Address HOST = Ipv6Address.parse("2001:db8::1");
    private static final int PORT = 18080;
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private final Namespaces namespaces = new Namespaces();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final LinkedBlockingQueue<AnycastEvent> events = new LinkedBlockingQueue<>();
    private final List<AnycastEvent> seen = new ArrayList<>();
    private Rtnetlink netlink;
    private Process listener;
    @TempDir
    Path www;

    @BeforeAll
    static void environment() {
        Namespaces.requireRootAndIp();
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("this IT runs busybox httpd as the service: apt-get install -y busybox-static");
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        namespaces.add(NS);
        netlink = Rtnetlink.open(NS);
        netlink.createStub(STUB);
        netlink.setUp(STUB, true);
        netlink.addAddress(STUB, HOST, 128, AddressLifetime.PERMANENT, EnumSet.of(AddressFlag.NODAD));
        Files.writeString(www.resolve("index.html"), "ok\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
            stopListener();
            if (netlink != null) {
                netlink.close();
            }
        } finally {
            namespaces.close();
        }
    }

    private void startListener() throws IOException {
        listener = new ProcessBuilder("ip", "netns", "exec", NS, "/bin/busybox", "httpd", "-f", "-p", "[" + HOST + "]:" + PORT,
                "-h", www.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private void stopListener() throws InterruptedException {
        if (listener != null) {
            listener.destroy();
            if (!listener.waitFor(5, TimeUnit.SECONDS)) {
                listener.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            listener = null;
        }
    }

    private static AnycastService service(String name, int last, HealthCheck check, int rise, int fall) {
        return new AnycastService(name, Optional.of(anycast(last)), PORT, check, INTERVAL, rise, fall);
    }

    private static Ipv6Address anycast(int last) {
        return Ipv6Address.parse("fd65:7b9c:569:680::").plus(last);
    }

    private AnycastHealth start(AnycastService... services) {
        Map<AnycastService, Ipv6Address> m = new LinkedHashMap<>();
        for (AnycastService s : services) {
            m.put(s, s.address().orElseThrow());
        }
        NetworkProber prober = new NetworkProber(HOST.toInetAddress(), Duration.ofSeconds(1), Optional.of(NS));
        resources.add(prober);
        AnycastEngine engine = new AnycastEngine(m, Clock.systemUTC(), prober, new StubAnnouncer(netlink, STUB));
        engine.addListener(events::add);
        AnycastHealth h = AnycastHealth.start(engine, Clock.systemUTC());
        resources.add(h);
        return h;
    }

    /** The first event of this kind for this service not awaited before (events of others stay for later). */
    private AnycastEvent await(String service, AnycastEvent.Kind kind) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            events.drainTo(seen);
            for (int i = 0; i < seen.size(); i++) {
                AnycastEvent e = seen.get(i);
                if (e.service().equals(service) && e.kind() == kind) {
                    seen.subList(0, i + 1).removeIf(x -> x.service().equals(service));
                    return e;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + kind + " event for " + service + "; unclaimed: " + seen);
    }

    private String stubAddresses() {
        return Namespaces.ip(NS, "-6", "addr", "show", "dev", STUB);
    }

    @Test
    void aRealListenerAnnouncesAndItsStopWithdrawsAfterFallChecks() throws Exception {
        startListener();
        start(service("etcd", 7, new HealthCheck.Tcp(), 2, 3));
        AnycastEvent up = await("etcd", AnycastEvent.Kind.ANNOUNCED);
        assertThat(up.consecutive()).isEqualTo(2);
        assertThat(stubAddresses()).contains(anycast(7) + "/128");

        stopListener();
        await("etcd", AnycastEvent.Kind.FAILING);
        AnycastEvent down = await("etcd", AnycastEvent.Kind.WITHDRAWN);
        assertThat(down.consecutive()).isEqualTo(3);
        assertThat(stubAddresses()).doesNotContain(anycast(7).toString());
    }

    @Test
    void httpChecksNeed2xxAndStoppingWithdrawsEverything() throws Exception {
        startListener();
        AnycastHealth h = start(service("web", 8, new HealthCheck.Http("/index.html"), 2, 2),
                service("missing", 9, new HealthCheck.Http("/nope"), 1, 1),
                service("cmd", 10, new HealthCheck.Command(List.of("true")), 1, 1));
        await("web", AnycastEvent.Kind.ANNOUNCED);
        await("cmd", AnycastEvent.Kind.ANNOUNCED);
        assertThat(h.announced("missing")).isFalse();
        String on = stubAddresses();
        assertThat(on).contains(anycast(8) + "/128").contains(anycast(10) + "/128").doesNotContain(anycast(9).toString());

        h.close();
        resources.remove(h);
        assertThat(stubAddresses()).doesNotContain(anycast(8).toString()).doesNotContain(anycast(10).toString())
                .contains(HOST + "/128");
    }
}
