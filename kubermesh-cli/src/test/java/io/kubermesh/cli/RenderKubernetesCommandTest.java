package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubermesh render kubernetes}: what it writes parses back with fabric8 into the cluster it was given. */
class RenderKubernetesCommandTest {
    private static final List<String> KINDS = List.of("Namespace", "CustomResourceDefinition", "ServiceAccount",
            "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "DaemonSet");
    /** Loads YAML only; never connects to an apiserver. */
    private static KubernetesClient client;

    @TempDir
    Path tmp;

    @BeforeAll
    static void client() {
        client = new KubernetesClientBuilder().build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static List<HasMetadata> load(String yaml) {
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    private Path config() throws Exception {
        Path config = tmp.resolve("cluster.yaml");
        Files.writeString(config, String.join("\n",
                "cluster:",
                "  name: rendered",
                "  ipv6:",
                "    prefix: \"2001:db8:1::/64\"",
                "    layout: { ports: 4 }",
                "  anycast:",
                "    services:",
                "      - { name: etcd, port: 2379, check: { http: /health }, interval: 2s, rise: 3, fall: 2 }",
                "  routing: { daemon: bird }",
                ""));
        return config;
    }

    @Test
    void theStreamParsesBackIntoEveryKindAndTheConfigMapIntoTheSameClusterSpec() throws Exception {
        Path config = config();
        PlanCommandTest.Result r = PlanCommandTest.run("render", "kubernetes", "--config", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<HasMetadata> objects = load(r.out());
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyElementsOf(KINDS);
        assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));

        ConfigMap cm = (ConfigMap) objects.get(KINDS.indexOf("ConfigMap"));
        ClusterSpec back = ClusterConfig.parse(cm.getData().get("cluster.yaml"), "the rendered ConfigMap");
        assertThat(back).isEqualTo(ClusterConfig.load(config));
        assertThat(back.name()).isEqualTo("rendered");

        DaemonSet ds = (DaemonSet) objects.get(KINDS.indexOf("DaemonSet"));
        assertThat(ds.getSpec().getTemplate().getSpec().getHostNetwork()).isTrue();
        assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext().getCapabilities()
                .getAdd()).contains("NET_ADMIN");
    }

    @Test
    void theSeedProfileIsTheDefault() {
        PlanCommandTest.Result r = PlanCommandTest.run("render", "kubernetes");
        assertThat(r.code()).as(r.err()).isZero();
        ConfigMap cm = (ConfigMap) load(r.out()).get(KINDS.indexOf("ConfigMap"));
        assertThat(ClusterConfig.parse(cm.getData().get("cluster.yaml"), "cm")).isEqualTo(ClusterConfig.seed());
    }

    @Test
    void anOutputDirectoryGetsOneFileAnObjectInApplyOrder() throws Exception {
        Path dir = tmp.resolve("manifests/kubermesh");
        PlanCommandTest.Result r = PlanCommandTest.run("render", "kubernetes", "--profile", "seed",
                "--output-dir", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSize(KINDS.size());
        assertThat(r.out().lines()).containsExactlyElementsOf(files.stream().map(Path::toString).toList());
        assertThat(files.get(0).getFileName().toString()).isEqualTo("01-namespace-kubermesh-system.yaml");
        List<String> kinds = new ArrayList<>();
        for (Path f : files) {
            List<HasMetadata> one = load(Files.readString(f));
            assertThat(one).as(f.toString()).hasSize(1);
            kinds.add(one.get(0).getKind());
        }
        assertThat(kinds).containsExactlyElementsOf(KINDS);
        String stream = PlanCommandTest.run("render", "kubernetes").out();
        assertThat(load(stream)).isEqualTo(files.stream().map(f -> {
            try {
                return load(Files.readString(f)).get(0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
    }

    @Test
    void aBadClusterFileExits2NamingTheField() throws Exception {
        Path config = tmp.resolve("bad.yaml");
        Files.writeString(config, "cluster:\n  ipv6:\n    prefix: \"2001:db8::/72\"\n");
        PlanCommandTest.Result r = PlanCommandTest.run("render", "kubernetes", "--config", config.toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("cluster.ipv6.prefix").contains("2001:db8::/72");
        assertThat(r.out()).isEmpty();
        Files.writeString(config, "cluster:\n  colour: blue\n");
        r = PlanCommandTest.run("render", "kubernetes", "--config", config.toString(), "--output-dir",
                tmp.resolve("never").toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("cluster.colour").contains("unknown field");
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    @Test
    void anUnknownProfileOrAFileAsOutputDirectoryExits2() throws Exception {
        PlanCommandTest.Result r = PlanCommandTest.run("render", "kubernetes", "--profile", "nope");
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--profile").contains("seed");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        r = PlanCommandTest.run("render", "kubernetes", "--output-dir", file.toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("--output-dir").contains("a directory");
    }
}
