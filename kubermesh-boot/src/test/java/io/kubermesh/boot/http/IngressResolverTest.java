package io.kubermesh.boot.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressResolverTest {
    private static final ClusterSpec SEED = ClusterConfig.seed();
    private static final AddressPlan PLAN = new AddressPlan(SEED);
    private static final MacAddress NODE = MacAddress.parse("52:54:00:12:34:56");
    private static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:07");
    /** The node's own port address as the local end of a global connection. */
    private static final InetSocketAddress LOCAL = at(PLAN.port(NODE, 0).thisEnd());

    private static InetSocketAddress at(Ipv6Address a) {
        return new InetSocketAddress(a.toInetAddress(), 40000);
    }

    private static InetSocketAddress linkLocal(String address, int scope) throws Exception {
        return new InetSocketAddress(Inet6Address.getByAddress(null, Ipv6Address.parse(address).toBytes(), scope), 8080);
    }

    private static NodePorts node(int... indexes) {
        NodePorts n = new NodePorts();
        for (int i : indexes) {
            n.add(PLAN.port(NODE, i), "eth" + i);
        }
        return n;
    }

    @Test
    void namesEveryPoolAddressOfTheNodesOwnServedPorts() {
        NodePorts ingress = node(0, 1, 2, 3, 4, 5, 6, 7);
        for (int i = 0; i < SEED.layout().ports(); i++) {
            for (Ipv6Address client : PLAN.port(NODE, i).pool()) {
                assertThat(ingress.portOf(at(client), LOCAL)).as("port %d, client %s", i, client).contains("cluster" + i);
            }
        }
    }

    @Test
    void anotherNodesPortOfTheSameIndexIsNone() {
        // issue 15: a client in node B's port-k pool was "cluster k" on node A too
        NodePorts ingress = node(0, 1, 2, 3, 4, 5, 6, 7);
        for (MacAddress other : List.of(OTHER, MacAddress.parse("00:1b:21:aa:bb:cc"))) {
            for (int i = 0; i < SEED.layout().ports(); i++) {
                for (Ipv6Address client : PLAN.port(other, i).pool()) {
                    assertThat(ingress.portOf(at(client), LOCAL)).as("%s port %d, client %s", other, i, client).isEmpty();
                }
            }
        }
    }

    @Test
    void addressesOutsideThePoolsAreNone() {
        NodePorts ingress = node(0, 1, 2, 3, 4, 5, 6, 7);
        PortPrefix port = PLAN.port(NODE, 5);
        assertThat(ingress.portOf(at(port.thisEnd()), LOCAL)).as("a port's own end").isEmpty();
        assertThat(ingress.portOf(at(PLAN.host(NODE)), LOCAL)).as("a host address").isEmpty();
        assertThat(ingress.portOf(at(PLAN.node(NODE).vip(1)), LOCAL)).as("a node VIP").isEmpty();
        assertThat(ingress.portOf(at(PLAN.node(NODE).pods().network().plus(9)), LOCAL)).as("a pod").isEmpty();
        assertThat(ingress.portOf(at(Ipv6Address.parse("2001:db9::1")), LOCAL)).as("outside the cluster").isEmpty();
        assertThat(ingress.portOf(at(Ipv6Address.parse("fd65:7b9c:569:680::1")), LOCAL)).as("anycast").isEmpty();
    }

    @Test
    void aPortThatWentDownNamesNothing() {
        NodePorts ingress = node(2);
        Ipv6Address client = PLAN.port(NODE, 2).pool().get(0);
        assertThat(ingress.portOf(at(client), LOCAL)).contains("cluster2");
        ingress.remove(2);
        assertThat(ingress.portOf(at(client), LOCAL)).isEmpty();
    }

    @Test
    void aLinkLocalConnectionIsNamedByThePortServedOnItsInterface() throws Exception {
        // lo always exists and has an address, so the JDK lists it.
        int lo = NetworkInterface.getByName("lo").getIndex();
        NodePorts ingress = new NodePorts();
        assertThat(ingress.portOf(linkLocal("fe80::2", lo), linkLocal("fe80::1", lo))).as("no port on lo").isEmpty();
        ingress.add(PLAN.port(NODE, 3), "lo");
        assertThat(ingress.portOf(linkLocal("fe80::2", lo), linkLocal("fe80::1", lo))).contains("cluster3");
        assertThat(ingress.portOf(linkLocal("fe80::2", 0x7ffffff0), linkLocal("fe80::1", 0x7ffffff0)))
                .as("a scope no interface has").isEmpty();
        assertThat(ingress.portOf(linkLocal("fe80::2", lo), LOCAL)).as("a global local end").isEmpty();
    }

    @Test
    void fromPortsServesEachOnTheLinkNamedAsThePort() {
        PortPrefix two = PLAN.port(NODE, 2);
        IngressResolver ingress = IngressResolver.fromPorts(List.of(two));
        assertThat(ingress.portOf(at(two.pool().get(1)), LOCAL)).contains("cluster2");
        assertThat(ingress.portOf(at(two.thisEnd()), LOCAL)).as("the port's own end").isEmpty();
        assertThat(ingress.portOf(at(PLAN.port(OTHER, 2).pool().get(1)), LOCAL)).as("another node's port 2").isEmpty();
    }
}
