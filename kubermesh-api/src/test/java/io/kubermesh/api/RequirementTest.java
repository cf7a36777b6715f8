package io.kubermesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequirementTest {
    @Test
    void aWrappedCommandNamesEveryProgramItRuns() {
        CommandLine c = HostRequirements.NSENTER.wrapping(List.of("--net=/run/netns/x", "--"),
                HostRequirements.ZEBRA.args("-f", "z.conf"));
        assertThat(c.argv()).containsExactly("nsenter", "--net=/run/netns/x", "--", "/usr/lib/frr/zebra", "-f", "z.conf");
        assertThat(c.programs()).containsExactly(HostRequirements.NSENTER, HostRequirements.ZEBRA);
        assertThat(c.processBuilder().command()).isEqualTo(c.argv());
        assertThat(CommandLine.configured(List.of("true")).programs()).isEmpty();
        assertThat(HostRequirements.JAVA.at("/opt/jdk/bin/java", List.of("-version")).argv())
                .containsExactly("/opt/jdk/bin/java", "-version");
    }

    @Test
    void overrideVariablesAndRemedies() {
        assertThat(HostRequirements.ETCD.overrideVariable()).isEqualTo("KUBERMESH_PROGRAM_ETCD");
        assertThat(new Requirement.Program("frr-zebra", "z", "frr", "x").overrideVariable()).isEqualTo("KUBERMESH_PROGRAM_FRR_ZEBRA");
        assertThat(HostRequirements.ETCD.remedy()).isEqualTo("apt-get install -y etcd-server");
        assertThat(HostRequirements.STUB_LINK.remedy()).isEqualTo("a kernel with CONFIG_DUMMY or CONFIG_IFB (built in, or: modprobe dummy)");
        assertThat(HostRequirements.ROOT.providedBy()).isEmpty();
        assertThat(HostRequirements.PROGRAMS).extracting(Requirement.Program::name).doesNotHaveDuplicates();
        assertThatThrownBy(() -> new Requirement.Program("Bad Name", "x", "p", "y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommandLine(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
