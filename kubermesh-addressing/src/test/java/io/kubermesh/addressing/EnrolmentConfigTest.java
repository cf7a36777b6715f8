package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.MacAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cluster.enrolment}: the policy alone or with its inventory, every error with its path. */
class EnrolmentConfigTest {
    @Test
    void autoIsTheDefaultAndEachPolicyParses() {
        assertThat(ClusterConfig.parse("", "t").enrolment()).isEqualTo(EnrolmentSpec.DEFAULT);
        assertThat(ClusterConfig.parse("cluster: { enrolment: approve }", "t").enrolment().policy())
                .isEqualTo(EnrolmentSpec.Policy.APPROVE);
        EnrolmentSpec inv = ClusterConfig.parse("cluster: { enrolment: { policy: inventory, machines: ['52:54:00:00:05:00'],"
                + " file: /etc/kubermesh/inventory } }", "t").enrolment();
        assertThat(inv.policy()).isEqualTo(EnrolmentSpec.Policy.INVENTORY);
        assertThat(inv.machines()).containsExactly(MacAddress.parse("52:54:00:00:05:00"));
        assertThat(inv.file()).contains(Path.of("/etc/kubermesh/inventory"));
    }

    @Test
    void errorsNameTheirPathTheValueAndWhatIsValid() {
        assertThat(problems("cluster: { enrolment: open }")).containsExactly("cluster.enrolment=open");
        assertThat(problems("cluster: { enrolment: { policy: inventory } }")).containsExactly("cluster.enrolment=inventory");
        assertThat(problems("cluster: { enrolment: { policy: later, machines: [x, '52:54:00:00:05:00', 7], file: rel } }"))
                .containsExactlyInAnyOrder("cluster.enrolment.policy=later", "cluster.enrolment.machines[0]=x",
                        "cluster.enrolment.machines[2]=7", "cluster.enrolment.file=rel");
        assertThat(problems("cluster: { enrolment: { policy: approve, list: [] } }")).hasSize(1)
                .allMatch(p -> p.startsWith("cluster.enrolment.list"));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> ClusterConfig.parse("cluster: { enrolment: open }", "t"));
        assertThat(e.getMessage()).contains("auto, inventory, approve");
    }

    private static List<String> problems(String yaml) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> ClusterConfig.parse(yaml, "t"));
        assertThat(e).as(yaml).isNotNull();
        return e.problems().stream().map(p -> p.path() + "=" + p.value()).toList();
    }
}
