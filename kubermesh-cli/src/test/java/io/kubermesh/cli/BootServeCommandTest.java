package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of {@code kubermesh boot serve}: what is refused before anything touches the network. */
class BootServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void identityAndInterfaceAreRequired() {
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--interface", "eth0");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--identity");
        r = PlanCommandTest.run("boot", "serve", "--identity", "52:54:00:00:00:01");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--interface");
    }

    @Test
    void aBadMacAndABadPortAreReportedTogetherWithExitCode2() {
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--identity", "52:54:00:zz:00:01",
                "--interface", "eth0:8");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("2 problems").contains("--identity: '52:54:00:zz:00:01'")
                .contains("--interface: 'eth0:8'").contains("0..7");
    }

    @Test
    void aGroupMacCannotBeANodeIdentity() {
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--identity", "01:00:5e:00:00:01",
                "--interface", "eth0");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--identity: '01:00:5e:00:00:01'").contains("unicast");
    }

    @Test
    void theSameInterfaceTwiceIsRefused() {
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--identity", "52:54:00:00:00:01",
                "--interface", "eth0", "--interface", "eth0:3");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--interface: 'eth0:3'").contains("each interface once");
    }

    @Test
    void aMissingTftpRootGivenByTheOperatorIsBadInput() {
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--identity", "52:54:00:00:00:01",
                "--interface", "eth0", "--tftp-root", tmp.resolve("nothing").toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--tftp-root").contains("nothing").contains("ipxe");
    }

    @Test
    void aBadClusterFileIsBadInput() throws Exception {
        Path config = tmp.resolve("cluster.yaml");
        java.nio.file.Files.writeString(config, "cluster:\n  ipv6:\n    prefix: \"2001:db8::/80\"\n");
        PlanCommandTest.Result r = PlanCommandTest.run("boot", "serve", "--config", config.toString(),
                "--identity", "52:54:00:00:00:01", "--interface", "eth0");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("cluster.ipv6.prefix");
    }
}
