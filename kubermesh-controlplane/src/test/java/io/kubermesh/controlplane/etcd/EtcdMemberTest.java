package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdMemberTest {
    private static final URI C = URI.create("http://[fd00::1]:2379");
    private static final URI P = URI.create("http://[fd00::1]:2380");

    @Test
    void theCommandLineNamesTheMemberItsUrlsAndTheWholeInitialClusterSorted() {
        EtcdMember.Spec s = new EtcdMember.Spec("m1", Path.of("/var/lib/etcd/m1"), C, P,
                Map.of("m2", URI.create("http://[fd00::2]:2380"), "m1", P), false, "tok",
                Duration.ofMillis(100), Duration.ofMillis(1000));
        List<String> argv = s.command(Path.of("/usr/bin/etcd")).argv();
        assertThat(argv.get(0)).isEqualTo("/usr/bin/etcd");
        assertThat(flag(argv, "--name")).isEqualTo("m1");
        assertThat(flag(argv, "--data-dir")).isEqualTo("/var/lib/etcd/m1");
        assertThat(flag(argv, "--listen-client-urls")).isEqualTo("http://[fd00::1]:2379");
        assertThat(flag(argv, "--advertise-client-urls")).isEqualTo("http://[fd00::1]:2379");
        assertThat(flag(argv, "--listen-peer-urls")).isEqualTo("http://[fd00::1]:2380");
        assertThat(flag(argv, "--initial-advertise-peer-urls")).isEqualTo("http://[fd00::1]:2380");
        assertThat(flag(argv, "--initial-cluster")).isEqualTo("m1=http://[fd00::1]:2380,m2=http://[fd00::2]:2380");
        assertThat(flag(argv, "--initial-cluster-state")).isEqualTo("new");
        assertThat(flag(argv, "--initial-cluster-token")).isEqualTo("tok");
        assertThat(flag(argv, "--heartbeat-interval")).isEqualTo("100");
        assertThat(flag(argv, "--election-timeout")).isEqualTo("1000");
        assertThat(flag(s.joining(s.initialCluster()).command(Path.of("etcd")).argv(), "--initial-cluster-state")).isEqualTo("existing");
    }

    @Test
    void aSpecMustListItselfAndHaveASaneElectionTimeout() {
        assertThatThrownBy(() -> new EtcdMember.Spec("m1", Path.of("/d"), C, P, Map.of("m2", P), false, "t",
                Duration.ofMillis(100), Duration.ofMillis(1000))).hasMessageContaining("m1=");
        assertThatThrownBy(() -> EtcdMember.Spec.single("m1", Path.of("/d"), C, P)
                .withTiming(Duration.ofMillis(100), Duration.ofMillis(200))).hasMessageContaining("election timeout");
    }

    @Test
    void aBinaryThatCannotRunIsReportedWithItsPath(@org.junit.jupiter.api.io.TempDir Path dir) {
        EtcdMember m = new EtcdMember(EtcdMember.Spec.single("m1", dir.resolve("m1"), C, P),
                Path.of("/nonexistent/kmcp/etcd"));
        assertThatThrownBy(m::start).isInstanceOf(KubermeshException.class).hasMessageContaining("/nonexistent/kmcp/etcd");
        assertThat(m.isAlive()).isFalse();
    }

    @Test
    void nothingAnswersHealthyWhereNoEtcdRuns() {
        assertThat(EtcdMember.healthy(URI.create("http://127.0.0.1:" + LocalEtcd.freePort()))).isFalse();
    }

    private static String flag(List<String> argv, String name) {
        int i = argv.indexOf(name);
        assertThat(i).as("flag %s in %s", name, argv).isNotNegative();
        return argv.get(i + 1);
    }
}
