package io.kubermesh.routing.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The echo probe between two real namespaces (kmpe-a, kmpe-b, veth kmpe0/kmpe1; root): an address
 * whose route appears while the probe waits is found by the same probe (the lab's joins are timed
 * by it), one with no route at all is reported unreachable when the timeout is over.
 */
class Icmp6EchoIT {
    private static final String A = "kmpe-a";
    private static final String B = "kmpe-b";
    private static final Ipv6Address TARGET = Ipv6Address.parse("2001:db8:72::2");

    @BeforeEach
    void namespaces() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("Icmp6EchoIT needs root (network namespaces, a raw socket)");
        }
        cleanup();
        NetworkNamespaces.create(A);
        NetworkNamespaces.create(B);
        for (String ns : List.of(A, B)) {
            ip("netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
            ip("-n", ns, "link", "set", "lo", "up");
        }
        ip("link", "add", "kmpe0", "netns", A, "type", "veth", "peer", "name", "kmpe1", "netns", B);
        ip("-n", A, "address", "add", "fe80::1/64", "dev", "kmpe0", "nodad");
        ip("-n", B, "address", "add", "fe80::2/64", "dev", "kmpe1", "nodad");
        ip("-n", A, "address", "add", "2001:db8:71::1/128", "dev", "lo");
        ip("-n", B, "address", "add", TARGET + "/128", "dev", "lo");
        ip("-n", A, "link", "set", "kmpe0", "up");
        ip("-n", B, "link", "set", "kmpe1", "up");
        // b routes back to a from the start; a learns its route to b's address only later.
        ip("-n", B, "-6", "route", "add", "2001:db8:71::1/128", "via", "fe80::1", "dev", "kmpe1");
    }

    @AfterEach
    void cleanup() {
        NetworkNamespaces.delete(A);
        NetworkNamespaces.delete(B);
    }

    @Test
    void anAddressWhoseRouteAppearsDuringTheProbeIsFoundByThatProbe() throws Exception {
        Thread route = new Thread(() -> {
            try {
                Thread.sleep(300);
                ip("-n", A, "-6", "route", "add", TARGET + "/128", "via", "fe80::2", "dev", "kmpe0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        route.start();
        List<Icmp6Echo.Result> r = Icmp6Echo.probe(List.of(TARGET), Duration.ofSeconds(2), Optional.of(A));
        route.join();
        assertThat(r).hasSize(1);
        assertThat(r.get(0).reachable()).as("reachable once its route is there, within the same probe").isTrue();
        assertThat(r.get(0).roundTrip()).isPresent();
    }

    @Test
    void anAddressWithNoRouteIsUnreachableAndTheOthersAreStillAnswered() throws Exception {
        ip("-n", A, "-6", "route", "add", TARGET + "/128", "via", "fe80::2", "dev", "kmpe0");
        Ipv6Address nowhere = Ipv6Address.parse("2001:db8:73::9");
        List<Icmp6Echo.Result> r = Icmp6Echo.probe(List.of(nowhere, TARGET), Duration.ofMillis(500), Optional.of(A));
        assertThat(r).extracting(Icmp6Echo.Result::reachable).containsExactly(false, true);
        assertThat(r.get(0).roundTrip()).isEmpty();
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }
}
