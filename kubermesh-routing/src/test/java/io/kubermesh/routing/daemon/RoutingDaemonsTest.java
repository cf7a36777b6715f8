package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.routing.daemon.bird.BirdDaemon;
import io.kubermesh.routing.daemon.frr.FrrDaemon;
import org.junit.jupiter.api.Test;

class RoutingDaemonsTest {
    @Test
    void findsBothProvidersByName() {
        assertThat(RoutingDaemons.providers()).extracting(RoutingDaemonProvider::name).containsExactlyInAnyOrder("frr", "bird");
        assertThat(RoutingDaemons.provider("frr").create(Fixtures.node())).isInstanceOf(FrrDaemon.class);
        assertThat(RoutingDaemons.provider("bird").create(Fixtures.node())).isInstanceOf(BirdDaemon.class);
    }

    @Test
    void anUnknownNameListsWhatWasFound() {
        assertThatThrownBy(() -> RoutingDaemons.provider("quagga")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("quagga").hasMessageContaining("frr").hasMessageContaining("bird");
    }

    @Test
    void aNewDaemonIsStoppedAndHasNoProcesses() {
        RoutingDaemon d = RoutingDaemons.provider("bird").create(Fixtures.node());
        assertThat(d.health().status()).isEqualTo(DaemonHealth.Status.STOPPED);
        assertThat(d.processIds()).isEmpty();
        d.close();
    }
}
