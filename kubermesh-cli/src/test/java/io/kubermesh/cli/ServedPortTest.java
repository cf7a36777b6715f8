package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServedPortTest {
    private static ConfigurationException refused(List<String> specs, int ports) {
        try {
            ServedPort.parse(specs, ports);
        } catch (ConfigurationException e) {
            return e;
        }
        throw new AssertionError(specs + " was accepted");
    }

    @Test
    void anInterfaceWithoutAPortIsThePortOfItsPosition() {
        assertThat(ServedPort.parse(List.of("eth1", "eth2", "eth3"), 8))
                .containsExactly(new ServedPort("eth1", 0), new ServedPort("eth2", 1), new ServedPort("eth3", 2));
    }

    @Test
    void anExplicitPortWinsOverThePosition() {
        assertThat(ServedPort.parse(List.of("eth1:5", "eth2", "veth-x.1:0"), 8))
                .containsExactly(new ServedPort("eth1", 5), new ServedPort("eth2", 1), new ServedPort("veth-x.1", 0));
    }

    @Test
    void aPortOutsideTheLayoutNamesTheOptionTheValueAndTheRange() {
        ConfigurationException e = refused(List.of("eth1:8"), 8);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("--interface");
            assertThat(p.value()).isEqualTo("eth1:8");
            assertThat(p.expected()).contains("0..7");
        });
        assertThat(refused(List.of("a", "b", "c"), 2).problems()).singleElement()
                .satisfies(p -> assertThat(p.expected()).contains("interface #3 is port 2 by its position").contains("0..1"));
    }

    @Test
    void malformedSpecsAreRefusedWithWhatIsValid() {
        for (String bad : List.of("", ":1", "eth1:", "eth1:x", "eth1:-1", "eth1:1:2", "a/b", "sixteen-chars-xx", "e th",
                "eth1:0001")) {
            assertThat(refused(List.of(bad), 8).problems()).as(bad).singleElement()
                    .satisfies(p -> assertThat(p.expected()).startsWith("IF[:PORT]"));
        }
    }

    @Test
    void anInterfaceOrAPortGivenTwiceIsRefusedAndEveryProblemIsReportedAtOnce() {
        ConfigurationException e = refused(List.of("eth1:0", "eth1:1", "eth2:0", "eth3:9"), 8);
        assertThat(e.problems()).extracting(ConfigurationException.Problem::value)
                .containsExactly("eth1:1", "eth2:0", "eth3:9");
        assertThat(e.problems().get(0).expected()).contains("eth1 is given as eth1:0 already");
        assertThat(e.problems().get(1).expected()).contains("port 0 is served on eth1 already");
    }

    @Test
    void anInterfaceGivenTwiceIsReportedEvenWhenItsFirstPortIsBad() {
        ConfigurationException e = refused(List.of("eth1:9", "eth1"), 8);
        assertThat(e.problems()).extracting(ConfigurationException.Problem::value).containsExactly("eth1:9", "eth1");
    }

    @Test
    void interfacesMissingFromTheNamespaceAreNamedWithTheOnesThereAre() {
        List<ServedPort> served = List.of(new ServedPort("eth1", 0), new ServedPort("nope", 1));
        assertThatThrownBy(() -> ServedPort.requireExisting(served, Set.of("lo", "eth1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--interface: 'nope'").hasMessageContaining("[eth1, lo]")
                .hasMessageNotContaining("'eth1'");
        ServedPort.requireExisting(served, Set.of("eth1", "nope"));
    }
}
