package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.MachineRecord;
import io.kubermesh.controlplane.kubernetes.crd.Machine;
import io.kubermesh.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeReconcilerTest {
    private static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");
    private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");
    private static final NodeReconciler.Grace GRACE = new NodeReconciler.Grace(Duration.ofSeconds(60), Duration.ofSeconds(300));
    private final AddressPlan plan = new AddressPlan(ClusterConfig.seed());
    private final ManualClock clock = new ManualClock(T0);
    private KubernetesMockServer server;
    private KubernetesClient client;
    private NodeReconciler reconciler;

    @BeforeEach
    void start() {
        server = CrudApiserver.start();
        client = server.createClient();
        client.resource(MachineDefinition.get()).create();
        for (String n : List.of("node-a", "node-b", "unrelated")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().withNewSpec().endSpec().build())
                    .create();
        }
        reconciler = new NodeReconciler(client, plan, clock, GRACE);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private MachineRecord record(String name, MacAddress mac, Instant lastSeen, Optional<Ipv4Prefix> v4) {
        return new MachineRecord(name, mac, Optional.of(mac), "running",
                List.of(new MachineRecord.Neighbour(0, "node-b"), new MachineRecord.Neighbour(3, "node-c")),
                List.of(new MachineRecord.BootEvent(T0.minusSeconds(120), "ipxe", "node-b:0"),
                        new MachineRecord.BootEvent(T0.minusSeconds(60), "booted", "node-b:0")),
                lastSeen, v4);
    }

    private Node node(String name) {
        return client.nodes().withName(name).get();
    }

    @Test
    void aLiveMachinesNodeGetsThePlansPodCidrsLabelsAndAnnotations() {
        Ipv4Prefix v4 = Ipv4Prefix.parse("172.31.4.0/24");
        NodeReconciler.Outcome out = reconciler.reconcile(List.of(record("node-a", A, T0, Optional.of(v4))));
        assertThat(out.updated()).containsExactly("node-a");
        Node a = node("node-a");
        assertThat(a.getSpec().getPodCIDRs()).containsExactly(plan.node(A).pods().toString(), "172.31.4.0/24");
        assertThat(a.getSpec().getPodCIDR()).isEqualTo(plan.node(A).pods().toString());
        assertThat(a.getMetadata().getLabels()).containsEntry("kubermesh.io/identity", "52-54-00-00-00-0a")
                .containsEntry("kubermesh.io/mesh", "true");
        assertThat(a.getMetadata().getAnnotations()).containsEntry("kubermesh.io/block", plan.node(A).block().toString())
                .containsEntry("kubermesh.io/host", plan.host(A).toString())
                .containsEntry("kubermesh.io/neighbours", "0=node-b,3=node-c");
        assertThat(node("unrelated").getMetadata().getLabels()).isNullOrEmpty();
        // A second pass has nothing to change.
        assertThat(reconciler.reconcile(List.of(record("node-a", A, T0, Optional.of(v4)))).updated()).isEmpty();
    }

    @Test
    void podCidrsAlreadySetDifferentlyAreReportedNotRewritten() {
        client.nodes().withName("node-b").edit(n -> {
            n.getSpec().setPodCIDRs(List.of("10.0.0.0/24"));
            return n;
        });
        NodeReconciler.Outcome out = reconciler.reconcile(List.of(record("node-b", B, T0, Optional.empty())));
        assertThat(out.conflicts()).singleElement().asString().contains("node-b").contains("10.0.0.0/24");
        assertThat(node("node-b").getSpec().getPodCIDRs()).containsExactly("10.0.0.0/24");
    }

    @Test
    void aGoneMachinesNodeIsCordonedAfterTheGraceThenDeletedAndComesBackUncordoned() {
        MachineRecord b = record("node-b", B, T0, Optional.empty());
        reconciler.reconcile(List.of(b));
        clock.advance(Duration.ofSeconds(59));
        assertThat(reconciler.reconcile(List.of(b)).cordoned()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(reconciler.reconcile(List.of(b)).cordoned()).containsExactly("node-b");
        assertThat(node("node-b").getSpec().getUnschedulable()).isTrue();
        assertThat(node("node-b").getMetadata().getAnnotations()).containsKey(NodeReconciler.CORDONED_ANNOTATION);
        assertThat(reconciler.reconcile(List.of(b)).cordoned()).isEmpty(); // already cordoned

        // Seen again before the deletion: uncordoned.
        MachineRecord back = record("node-b", B, clock.instant(), Optional.empty());
        NodeReconciler.Outcome out = reconciler.reconcile(List.of(back));
        assertThat(out.uncordoned()).containsExactly("node-b");
        assertThat(node("node-b").getSpec().getUnschedulable()).isFalse();
        assertThat(node("node-b").getMetadata().getAnnotations()).doesNotContainKey(NodeReconciler.CORDONED_ANNOTATION);

        clock.advance(Duration.ofSeconds(300));
        assertThat(reconciler.reconcile(List.of(back)).deleted()).containsExactly("node-b");
        assertThat(node("node-b")).isNull();
        assertThat(node("node-a")).isNotNull();
    }

    @Test
    void machineObjectsMirrorTheRecords() {
        reconciler.reconcile(List.of(record("node-a", A, T0, Optional.empty()), record("node-x", B, T0, Optional.empty())));
        Machine a = client.resources(Machine.class).withName("node-a").get();
        assertThat(a.getSpec().getIdentity()).isEqualTo(A.toString());
        assertThat(a.getStatus().getState()).isEqualTo("running");
        assertThat(a.getStatus().getBlock()).isEqualTo(plan.node(A).block().toString());
        assertThat(a.getStatus().getHost()).isEqualTo(plan.host(A).toString());
        assertThat(a.getStatus().getNeighbours()).extracting(n -> n.getPort() + "=" + n.getMachine())
                .containsExactly("0=node-b", "3=node-c");
        assertThat(a.getStatus().getBootHistory()).extracting(e -> e.getEvent() + "@" + e.getVia())
                .containsExactly("ipxe@node-b:0", "booted@node-b:0");
        // A machine with no Node yet still has its Machine object.
        assertThat(client.resources(Machine.class).withName("node-x").get()).isNotNull();

        NodeReconciler.Outcome out = reconciler.reconcile(List.of(record("node-a", A, T0, Optional.empty())));
        assertThat(out.machinesRemoved()).containsExactly("node-x");
        assertThat(client.resources(Machine.class).list().getItems()).extracting(m -> m.getMetadata().getName())
                .containsExactly("node-a");
    }
}
