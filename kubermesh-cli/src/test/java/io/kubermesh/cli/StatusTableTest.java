package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.lab.MachineView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {
    private static MachineView machine(String name, NodeStatus.Etcd etcd, List<String> anycast) {
        return new MachineView(name, "joined", "52:54:00:00:01:00", "2001:db8::1", "2001:db8::/119", List.of(), anycast,
                "kmet-" + name, etcd, "172.30.2.1");
    }

    private static String table(List<MachineView> machines) {
        StringWriter out = new StringWriter();
        StatusCommand.table(new PrintWriter(out, true), machines, Map.of());
        return out.toString();
    }

    @Test
    void theTableShowsEachMemberAndWhoHoldsTheEtcdAddress() {
        String t = table(List.of(
                machine("gateway", new NodeStatus.Etcd("gateway", "a1", "http://[2001:db8::1]:2380", "voter", true, true),
                        List.of("etcd")),
                machine("kubermesh1", new NodeStatus.Etcd("kubermesh1", "b2", "http://[2001:db8::2]:2380", "learner", false,
                        false), List.of()),
                machine("kubermesh2", null, List.of())));
        assertThat(t.lines().filter(l -> l.startsWith("gateway"))).singleElement().asString().contains("voter*").contains("etcd");
        assertThat(t.lines().filter(l -> l.startsWith("kubermesh1"))).singleElement().asString().contains("learner!");
        assertThat(t).contains("etcd members: gateway (voter, leader), kubermesh1 (learner, unhealthy);"
                + " the etcd anycast address is held by: gateway");
    }

    @Test
    void aComponentsStateStandsWhereNoMemberOrHolderIs() {
        MachineView off = new MachineView("gateway", "joined", "52:54:00:00:01:00", "2001:db8::1", "2001:db8::/119", List.of(),
                List.of(), null, null, null, List.of(new ComponentStatus("etcd", "off", null, "etcdMembers: 0", "t")));
        MachineView failed = new MachineView("kubermesh1", "joined", "52:54:00:00:02:00", "2001:db8::2", "2001:db8::/119",
                List.of(), List.of(), null, null, null, List.of(
                        new ComponentStatus("etcd", "failed", "etcd exited with 1", null, "t"),
                        new ComponentStatus("anycast/etcd", "failed", "not held: no server", null, "t")));
        String t = table(List.of(off, failed));
        assertThat(t.lines().filter(l -> l.startsWith("gateway"))).singleElement().asString().containsPattern(" off +none ");
        assertThat(t.lines().filter(l -> l.startsWith("kubermesh1"))).singleElement().asString()
                .containsPattern(" failed +failed ");
        assertThat(t.lines().dropWhile(l -> !l.equals("failed components:")).toList()).startsWith("failed components:",
                "  kubermesh1: etcd failed: etcd exited with 1", "  kubermesh1: anycast/etcd failed: not held: no server");
        assertThat(StatusCommand.failures(List.of(off, failed))).containsExactly(
                "kubermesh1: etcd failed: etcd exited with 1", "kubermesh1: anycast/etcd failed: not held: no server");
    }

    @Test
    void componentsStillStartingAreListedWithTheirDetail() {
        MachineView m = new MachineView("kubermesh4", "joined", "52:54:00:00:05:00", "2001:db8::5", "2001:db8::/119",
                List.of(), List.of(), null, null, null, List.of(
                        new ComponentStatus("routing", "running", null, "frr", "t"),
                        new ComponentStatus("etcd", "starting", null, "waiting for etcd at https://[fd00::1]:2379", "t"),
                        new ComponentStatus("ipv4", "starting", null, null, "t")));
        assertThat(StatusCommand.stillStarting(List.of(m), java.time.Duration.ofSeconds(60))).containsExactly(
                "kubermesh4: etcd still starting after 60 s: waiting for etcd at https://[fd00::1]:2379",
                "kubermesh4: ipv4 still starting after 60 s");
        assertThat(StatusCommand.failures(List.of(m))).isEmpty();
        // up counts them: with nothing failed, still starting is what makes it exit 1.
        assertThat(StatusCommand.upFailures(List.of(m), java.time.Duration.ofSeconds(60))).hasSize(2)
                .allMatch(l -> l.contains("still starting after 60 s"));
    }

    @Test
    void withoutMembersThereIsNoEtcdLine() {
        assertThat(table(List.of(machine("gateway", null, List.of())))).doesNotContain("etcd members");
    }
}
