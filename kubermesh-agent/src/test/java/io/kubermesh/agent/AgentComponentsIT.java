package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.HostRequirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent degradation, seen from an agent's status: an agent whose etcd binary is missing (its
 * override names none) shows the etcd component failed with the install line, and one whose
 * cluster file says {@code etcdMembers: 0} shows etcd, the IPv4 address and the etcd anycast
 * service {@code off}; in both the routing daemon runs and the seed's optional services are off.
 */
class AgentComponentsIT {
    private static final String NS = "kmop-x";
    @TempDir
    Path dir;
    private AgentProcesses agents;

    @BeforeEach
    void namespace() throws Exception {
        // One cable whose both ends are in the namespace: the agent needs an interface to take its identity from.
        agents = AgentProcesses.oneCable("AgentComponentsIT", dir, NS, "kmopx1");
    }

    @AfterEach
    void cleanUp() {
        agents.close();
    }

    private Path config(ClusterSpec spec) throws Exception {
        return agents.config(spec);
    }

    private ComponentStatus component(String name, String state) throws Exception {
        return agents.component(NS, name, state);
    }

    @Test
    void anAgentWithoutEtcdShowsTheEtcdComponentFailedWithTheInstallLine() throws Exception {
        Path missing = dir.resolve("no-etcd-here");
        agents.start(NS, config(ClusterConfig.seed()), true, Map.of(HostRequirements.ETCD.overrideVariable(), missing.toString()));
        ComponentStatus etcd = component("etcd", "failed");
        assertThat(etcd.error()).contains(missing.toString()).contains("KUBERMESH_PROGRAM_ETCD")
                .contains("apt-get install -y etcd-server");
        assertThat(component("ipv4", "failed").error()).contains("172.30.2.0/24");
        component("routing", "running");
        ComponentStatus api = component("anycast/apiserver", "off");
        assertThat(api.detail()).startsWith("optional");
        NodeStatus s = agents.status(NS).orElseThrow();
        assertThat(s.failedComponents()).extracting(ComponentStatus::name).containsExactlyInAnyOrder("etcd", "ipv4");
        assertThat(s.anycast()).isEmpty();
    }

    @Test
    void etcdMembersZeroTurnsEtcdAndWhatDependsOnItOff() throws Exception {
        ClusterSpec spec = ClusterConfig.seed().withControlPlane(new ControlPlaneSpec(0, Duration.ofSeconds(60)));
        agents.start(NS, config(spec), true);
        assertThat(component("etcd", "off").detail()).contains("etcdMembers is 0");
        component("ipv4", "off");
        assertThat(component("anycast/etcd", "off").detail()).contains("etcdMembers is 0");
        component("routing", "running");
        NodeStatus s = agents.status(NS).orElseThrow();
        assertThat(s.failedComponents()).isEmpty();
        assertThat(s.etcd()).isNull();
        assertThat(AgentProcesses.processesIn(NS, "--data-dir")).as("no etcd process").isEmpty();
        // The real agent starts its routing daemon before the control plane, and on the first
        // machine with the routing key it made before any component started (without it the
        // component reads "failed: no routing key", and no neighbour would take its hellos).
        component("routing/key", "running");
        String console = Files.readString(dir.resolve(NS + ".console"));
        int routing = console.indexOf("routing daemon frr started");
        assertThat(routing).as("the routing daemon's start on the console").isNotNegative()
                .isLessThan(console.indexOf("this node runs no control plane"));
    }
}
