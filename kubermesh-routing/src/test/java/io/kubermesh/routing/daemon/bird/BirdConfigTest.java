package io.kubermesh.routing.daemon.bird;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.routing.daemon.Fixtures;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import java.util.List;
import org.junit.jupiter.api.Test;

class BirdConfigTest {
    @Test
    void generatesTheGoldenFile() {
        assertThat(BirdConfig.generate(Fixtures.node())).isEqualTo(Fixtures.resource("bird/bird.conf"));
    }

    @Test
    void theKernelProtocolNeverExportsStubRoutes() {
        String conf = BirdConfig.generate(Fixtures.node());
        String kernel = conf.substring(conf.indexOf("protocol kernel"), conf.indexOf("protocol bfd"));
        assertThat(kernel).contains("if ifname = \"stub0\" then reject;").contains("import none;");
    }

    @Test
    void portsFollowTheConfigAndNoPortsLeavesNoEmptyPattern() {
        String three = BirdConfig.generate(Fixtures.node().withPorts(List.of("cluster1", "cluster3", "cluster4")));
        assertThat(three).contains("interface \"cluster1\", \"cluster3\", \"cluster4\" {\n      type ptp;");
        String none = BirdConfig.generate(Fixtures.node().withPorts(List.of()));
        assertThat(none).doesNotContain("type ptp").doesNotContain("interface \"\"").contains("stub yes;")
                .contains("protocol bfd kmbfd {\n}\n");
    }

    @Test
    void withAKeyOspfCarriesTheTrailerAndBfdIsAuthenticatedWithADerivedKey() {
        String conf = BirdConfig.generate(Fixtures.keyedNode());
        String ospf = conf.substring(conf.indexOf("protocol ospf"));
        String bfd = conf.substring(conf.indexOf("protocol bfd"), conf.indexOf("protocol ospf"));
        assertThat(ospf).contains("      authentication cryptographic;\n      password \"" + Fixtures.KEY.secret()
                + "\" { id 7; algorithm hmac sha256; };\n");
        assertThat(ospf.substring(ospf.indexOf("\"stub0\""), ospf.indexOf("\"cluster0\""))).doesNotContain("authentication");
        assertThat(bfd).contains("    authentication meticulous keyed sha1;\n    password \"" + Fixtures.KEY.bfdKey() + "\" { id 7; };\n");
        assertThat(Fixtures.KEY.bfdKey()).hasSize(20).isNotEqualTo(Fixtures.KEY.secret().substring(0, 20));
    }

    @Test
    void inARollBothProtocolsAcceptBothKeysAndSignWithTheNewOne() {
        String conf = BirdConfig.generate(Fixtures.rollingNode());
        assertThat(conf).isEqualTo(Fixtures.resource("bird/bird-rolling.conf"));
        String bfd = conf.substring(conf.indexOf("protocol bfd"), conf.indexOf("protocol ospf"));
        assertThat(bfd).doesNotContain(Fixtures.KEY.secret()).doesNotContain(Fixtures.NEXT_KEY.secret());
    }

    @Test
    void passwordIdsAreKeyIdsModulo256AndMustDifferThere() {
        RoutingKey high = new RoutingKey(65535, Fixtures.KEY.secret());
        RoutingKey wrapped = new RoutingKey(1, Fixtures.NEXT_KEY.secret());
        String conf = BirdConfig.generate(Fixtures.node().withKeys(new RoutingKeyring(wrapped, List.of(high))));
        assertThat(conf).contains("password \"" + wrapped.secret() + "\" { id 1; algorithm hmac sha256; };")
                .contains("password \"" + high.secret() + "\" { id 255; generate to \"1993-01-01 00:00:01\"; algorithm hmac sha256; };")
                .contains("password \"" + high.bfdKey() + "\" { id 255; generate to \"1993-01-01 00:00:01\"; };");
        RoutingKeyring clash = new RoutingKeyring(new RoutingKey(263, Fixtures.NEXT_KEY.secret()), List.of(Fixtures.KEY));
        assertThatThrownBy(() -> BirdConfig.generate(Fixtures.node().withKeys(clash))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("263 (also accepting 7)").hasMessageContaining("modulo 256")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(Fixtures.KEY.secret()));
    }

    @Test
    void withoutAKeyNothingIsAuthenticated() {
        assertThat(BirdConfig.generate(Fixtures.node())).doesNotContain("authentication").doesNotContain("password");
    }
}
