package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.Topology;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.lab.RouteComparison;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Membership healing and anycast, on the seed lab (namespaces kmchh-*, member grace 10 s): a
 * holder of the etcd anycast address is powered off, another machine takes its place as a voter
 * and holder after the grace, then the old holder is powered on again as a plain node. Every
 * anycast route of every machine must then lead to the holders the agents list (the race the
 * chaos once found: an ECMP route towards a machine no agent listed as holder).
 */
class LabAnycastHealingIT extends LabFixture {
    private static final String CLUSTER = "chh";
    private static final int GRACE_SECONDS = 10;

    @Override
    String cluster() {
        return CLUSTER;
    }

    @Test
    void aReplacedHolderThatComesBackLeavesNoAnycastRouteTowardsIt() throws Exception {
        lab = Lab.create(dir, clusterYaml(), new NetnsSubstrateProvider(), Map.of(), line -> System.out.println("  " + line));
        lab.up(Topology.seed());
        await("three healthy etcd voters holding the anycast address", 180, () -> holders().size() == 3);
        List<String> before = holders();
        String victim = before.stream().filter(m -> !m.equals(Topology.GATEWAY)).reduce((a, b) -> b).orElseThrow();
        System.out.println("holders " + before + "; powering " + victim + " off");
        lab.kill(victim);
        await("another voter and holder in place of " + victim, 180,
                () -> holders().size() == 3 && !holders().contains(victim));
        System.out.println("holders " + holders() + "; powering " + victim + " on again");
        lab.revive(victim);
        await(victim + "'s agent answers", 120, () -> lab.status().stream()
                .anyMatch(m -> m.name().equals(victim) && !m.components().isEmpty()));
        // Let its routing settle, then every anycast route must lead to a listed holder, and stay so.
        Thread.sleep(10_000);
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<RouteComparison> wrong;
        do {
            wrong = lab.routes(Optional.empty()).stream().filter(r -> r.target().startsWith("anycast"))
                    .filter(r -> !r.match().onShortestPaths()).toList();
            if (wrong.isEmpty()) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        Map<String, List<String>> held = new TreeMap<>();
        lab.status().forEach(m -> held.put(m.name(), m.anycast()));
        System.out.println("after " + victim + " came back: anycast held " + held);
        assertThat(wrong).as("anycast routes not towards the holders the agents list (%s)", held).isEmpty();
        assertThat(lab.routes(Optional.empty())).as("anycast routes checked").anyMatch(r -> r.target().equals("anycast etcd"));
    }

    private List<String> holders() {
        return lab.status().stream().filter(m -> m.anycast().contains("etcd") && m.etcd() != null && m.etcd().healthy()
                && "voter".equals(m.etcd().role())).map(MachineView::name).toList();
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + seconds + " s");
            }
            Thread.sleep(500);
        }
    }

    private static String clusterYaml() throws IOException {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + CLUSTER)
                    .replaceAll("memberGrace: \\w+", "memberGrace: " + GRACE_SECONDS + "s");
        }
    }
}
