package io.kubermesh.boot.ra;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.BootSpec;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.Netns;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RouterAdvertiser} on a veth between two namespaces, judged by the client kernel: the
 * default route through the node's link-local address and the on-link port /126, an answer to a
 * router solicitation, and both routes gone after the farewell advertisement.
 */
class RouterAdvertiserIT {
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    /** A 30-minute interval: after the first advertisement, only solicitations are answered during the test. */
    static final ClusterSpec SPEC = withBoot(ClusterConfig.seed(), new BootSpec(8080, "snponly.efi", "undionly.kpxe",
            "snponly-arm64.efi", Duration.ofSeconds(1800), Duration.ofSeconds(1800), Duration.ofSeconds(3600),
            Duration.ofSeconds(7200)));
    static final PortPrefix PORT = new AddressPlan(SPEC).port(NODE, 0);

    Netns lab;
    RouterAdvertiser advertiser;

    static ClusterSpec withBoot(ClusterSpec s, BootSpec boot) {
        return new ClusterSpec(s.name(), s.prefix(), s.layout(), s.anycastPrefix(), s.services(), s.ipv4(), s.routing(), boot);
    }

    @BeforeEach
    void lab() {
        lab = new Netns("", NODE.toString(), "52:54:00:12:34:56");
        lab.inServer("ip", "-6", "addr", "add", PORT.thisEnd() + "/126", "dev", lab.serverLink, "preferred_lft", "0");
    }

    @AfterEach
    void teardown() {
        try {
            if (advertiser != null) {
                advertiser.close();
            }
        } finally {
            lab.close();
        }
    }

    @Test
    void theClientLearnsTheDefaultRouteAndTheOnLinkPortPrefix() throws Exception {
        advertiser = lab.inServerNamespace(() -> RouterAdvertiser.start(SPEC.boot(),
                Map.of(new io.kubermesh.addressing.AddressPlan(SPEC).port(NODE, 0), lab.serverLink)));
        String router = "fe80::5054:ff:fe00:1";
        String routes = waitForRoutes(router);
        assertThat(routes).contains("default via " + router + " dev " + lab.clientLink + " proto ra");
        // the kernel installs a prefix information option's on-link route as proto kernel with the valid lifetime
        assertThat(routes).containsPattern(Pattern.quote(PORT.prefix() + " dev " + lab.clientLink) + " proto kernel .*expires (7200|7[01]\\d\\d)sec");
        assertThat(lab.inClient("ip", "-6", "addr", "show", "dev", lab.clientLink)).doesNotContain("scope global");

        // the interval is 30 minutes: routes back within seconds after a flush can only answer a solicitation
        lab.inClient("ip", "-6", "route", "flush", "proto", "ra");
        lab.inClient("ip", "link", "set", lab.clientLink, "down");
        lab.inClient("ip", "link", "set", lab.clientLink, "up");
        assertThat(waitForRoutes(router)).contains("default via " + router);

        // closing sends lifetimes 0: the client drops the default route and the on-link prefix at once
        advertiser.close();
        advertiser = null;
        String after = "";
        for (int i = 0; i < 50; i++) {
            after = lab.inClient("ip", "-6", "route", "show");
            if (!after.contains("default via") && !after.contains(PORT.prefix().toString())) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(after).doesNotContain("default via").doesNotContain(PORT.prefix().toString());
    }

    private String waitForRoutes(String router) throws InterruptedException {
        String routes = "";
        for (int i = 0; i < 100; i++) {
            routes = lab.inClient("ip", "-6", "route", "show");
            if (routes.contains("default via " + router) && routes.contains(PORT.prefix().toString())) {
                return routes;
            }
            Thread.sleep(100);
        }
        return routes;
    }
}
