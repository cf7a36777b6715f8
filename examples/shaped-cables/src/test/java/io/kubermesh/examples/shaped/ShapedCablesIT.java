package io.kubermesh.examples.shaped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.lab.Lab;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.lab.LabContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in against the orchestration contract (cluster kmlbs, namespaces kmkmlbs-*), found
 * through ServiceLoader as the CLI finds it, and its links really shaped (namespaces kmlbq-*).
 */
class ShapedCablesIT {
    @BeforeAll
    static void needRoot() {
        try {
            provider().checkEnvironment();
        } catch (RuntimeException e) {
            fail("this IT needs root, network namespaces, tc and ip6tables: " + e.getMessage());
        }
    }

    static SubstrateProvider provider() {
        return ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("shaped")).findFirst().orElseThrow();
    }

    @Nested
    class Orchestration extends LabContract {
        @Override
        protected SubstrateProvider provider() {
            return ShapedCablesIT.provider();
        }

        @Override
        protected Map<String, String> options() {
            return Map.of("shaped.rate", "20mbit", "shaped.loss", "0.01");
        }

        @Override
        protected String clusterName() {
            return "kmlbs";
        }

        @Override
        protected boolean leftovers(Lab downed) {
            return namespaces("kmkmlbs-") || Files.exists(labParent().resolve("lab"));
        }
    }

    @TempDir
    Path state;

    @Test
    void everyCableIsRateLimitedAndLosesAboutTheShareItIsTold() throws Exception {
        SubstrateConfig config = new SubstrateConfig(ClusterConfig.seed(), state,
                Map.of("netns.prefix", "kmlbq-", "shaped.rate", "5mbit", "shaped.loss", "0.5"));
        try (Substrate s = provider().create(config)) {
            s.addMachine(new MachineSpec("a", List.of(MacAddress.parse("52:54:00:77:01:00")), false));
            s.addMachine(new MachineSpec("b", List.of(MacAddress.parse("52:54:00:77:02:00")), false));
            s.powerOn("a");
            s.powerOn("b");
            s.cable(new PortRef("a", 0), new PortRef("b", 0));
            String a = s.placement("a").get("netns");
            assertThat(run(a, "tc", "qdisc", "show", "dev", "cluster0")).contains("tbf").contains("rate 5Mbit");
            assertThat(run(a, "ip6tables", "-S", "INPUT")).contains("-i cluster0 -m statistic --mode random --probability 0.5");
            assertThat(run(a, "ip6tables", "-S", "FORWARD")).contains("-i cluster0 -m statistic --mode random --probability 0.5");
            // Each echo crosses two lossy ends (request into b, reply into a): about a quarter come back.
            String far = "fe80::5054:ff:fe77:200%cluster0";
            for (int i = 0; i < 100 && !run(a, "ping", "-6", "-c", "1", "-W", "1", far).contains("1 received"); i++) {
                Thread.sleep(100);
            }
            String out = run(a, "ping", "-6", "-n", "-q", "-c", "80", "-i", "0.02", "-W", "1", far);
            Matcher m = Pattern.compile("(\\d+) received").matcher(out);
            assertThat(m.find()).as(out).isTrue();
            int received = Integer.parseInt(m.group(1));
            assertThat(received).as("echoes answered of 80 at 50 % loss each way: " + out).isBetween(5, 40);
            s.cut(new PortRef("a", 0), new PortRef("b", 0));
            assertThat(run(a, "ip6tables", "-S", "INPUT")).doesNotContain("cluster0");
        }
        assertThat(namespaces("kmlbq-")).isFalse();
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> provider().create(new SubstrateConfig(ClusterConfig.seed(), state, Map.of("shaped.loss", "2"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shaped.loss");
        assertThatThrownBy(() -> provider().create(new SubstrateConfig(ClusterConfig.seed(), state, Map.of("shaped.rate", "fast"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shaped.rate");
    }

    static boolean namespaces(String prefix) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().anyMatch(l -> l.startsWith(prefix));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String netns, String... command) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
