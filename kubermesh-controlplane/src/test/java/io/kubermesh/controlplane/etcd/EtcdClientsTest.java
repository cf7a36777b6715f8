package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdClientsTest {
    @Test
    void ipv6LiteralsArePercentEncodedAndIpv4AndNamesKept() {
        assertThat(EtcdClients.target(List.of(URI.create("http://[fd65:7b9c:569:680::1]:2379"),
                URI.create("http://127.0.0.1:2379"), URI.create("http://etcd.local:2379"))))
                .isEqualTo("ip:///%5Bfd65:7b9c:569:680::1%5D:2379,127.0.0.1:2379,etcd.local:2379");
        // The path gRPC hands the resolver is decoded: the brackets are back.
        assertThat(URI.create(EtcdClients.target(List.of(URI.create("http://[::1]:2379")))).getPath()).isEqualTo("/[::1]:2379");
    }

    @Test
    void endpointsNeedAHostAndAPort() {
        assertThatThrownBy(() -> EtcdClients.target(List.of())).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> EtcdClients.target(List.of(URI.create("http://[::1]"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("host and port");
    }
}
