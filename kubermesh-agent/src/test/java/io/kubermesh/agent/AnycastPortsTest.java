package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The anycast components' states before any check ran: where each service is expected decides starting, failed or off. */
class AnycastPortsTest {
    private final ManualClock clock = new ManualClock();
    private static final AgentSettings SETTINGS = new AgentSettings("n", Path.of("/nonexistent/kmop"), "kmstub0");

    private static ClusterSpec spec(int etcdMembers) {
        ClusterSpec seed = ClusterConfig.seed();
        return seed.withServices(List.of(seed.service("etcd").orElseThrow(),
                new AnycastService("web", Optional.empty(), 80, new HealthCheck.Tcp(), Duration.ofSeconds(1), 2, 2),
                seed.service("apiserver").orElseThrow()))
                .withControlPlane(new ControlPlaneSpec(etcdMembers, Duration.ofSeconds(60)));
    }

    private static Map<String, ComponentStatus> components(AnycastPorts a) {
        NodeStatus s = new NodeStatus("n", "running", "", "", "", "", "", List.of(), List.of(), "", "", null, null);
        return a.contribute(s).components().stream().collect(Collectors.toMap(ComponentStatus::name, Function.identity()));
    }

    @Test
    void expectedServicesStartThenFailOptionalOnesAreOff() {
        AnycastPorts a = new AnycastPorts(new io.kubermesh.addressing.AddressPlan(spec(3)), SETTINGS, clock);
        Map<String, ComponentStatus> c = components(a);
        assertThat(c.get("anycast/etcd").state()).isEqualTo("off");
        assertThat(c.get("anycast/etcd").detail()).isEqualTo("no etcd member here");
        assertThat(c.get("anycast/web").state()).isEqualTo("starting");
        assertThat(c.get("anycast/apiserver").state()).isEqualTo("off");
        assertThat(c.get("anycast/apiserver").detail()).startsWith("optional");

        a.etcdMemberHere(() -> true);
        assertThat(components(a).get("anycast/etcd").state()).isEqualTo("starting");
        clock.advance(Duration.ofSeconds(31));
        c = components(a);
        assertThat(c.get("anycast/web").state()).isEqualTo("failed");
        assertThat(c.get("anycast/web").error()).isEqualTo("not held: its check has not passed 2 time(s) yet");
        assertThat(c.get("anycast/etcd").state()).as("expected for 31 s, never held").isEqualTo("failed");
        assertThat(c.get("anycast/apiserver").state()).isEqualTo("off");
    }

    @Test
    void withEtcdOffTheEtcdServiceIsOffEvenWhereAMemberWouldRun() {
        AnycastPorts a = new AnycastPorts(new io.kubermesh.addressing.AddressPlan(spec(0)), SETTINGS, clock);
        a.etcdMemberHere(() -> true);
        clock.advance(Duration.ofMinutes(5));
        ComponentStatus etcd = components(a).get("anycast/etcd");
        assertThat(etcd.state()).isEqualTo("off");
        assertThat(etcd.detail()).isEqualTo("controlPlane.etcdMembers is 0");
        assertThat(etcd.error()).isNull();
    }

    @Test
    void whileThisNodesEtcdMemberIsALearnerTheEtcdServiceFailsWithoutBeingCheckedOthersAreCheckedAsEver() {
        ClusterSpec spec = spec(3);
        AnycastPorts a = new AnycastPorts(new io.kubermesh.addressing.AddressPlan(spec), SETTINGS, clock);
        AnycastService etcd = spec.service("etcd").orElseThrow();
        AnycastService web = spec.service("web").orElseThrow();
        java.util.List<String> checked = new java.util.ArrayList<>();
        io.kubermesh.routing.anycast.Prober passes = s -> checked.add(s.name());
        boolean[] voter = {false};
        a.etcdMemberHere(() -> true);
        a.etcdVoterHere(() -> voter[0]);

        assertThat(a.check(etcd, passes)).isFalse();
        assertThat(a.check(web, passes)).isTrue();
        assertThat(checked).containsExactly("web");
        ComponentStatus c = components(a).get("anycast/etcd");
        assertThat(c.state()).isEqualTo("starting");
        assertThat(c.error()).isEqualTo(AnycastPorts.LEARNER);

        voter[0] = true;
        assertThat(a.check(etcd, passes)).isTrue();
        assertThat(checked).containsExactly("web", "etcd");
        assertThat(components(a).get("anycast/etcd").error()).isNull();
    }

    @Test
    void withoutAControlPlaneToAskNothingIsVetoed() {
        ClusterSpec spec = spec(3);
        AnycastPorts a = new AnycastPorts(new io.kubermesh.addressing.AddressPlan(spec), SETTINGS, clock);
        assertThat(a.check(spec.service("etcd").orElseThrow(), s -> true)).isTrue();
    }
}
