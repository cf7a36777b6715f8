package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.controlplane.kubernetes.crd.Machine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesRendererTest {
    private final ClusterSpec seed = ClusterConfig.seed();
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = CrudApiserver.start();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private List<HasMetadata> parse(String yaml) {
        return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    @Test
    void theYamlHoldsEveryObjectOnceInApplyOrder() {
        List<HasMetadata> objects = parse(KubernetesRenderer.render(seed));
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Namespace/kubermesh-system",
                "CustomResourceDefinition/machines.kubermesh.io",
                "ServiceAccount/kubermesh-agent",
                "ClusterRole/kubermesh-agent",
                "ClusterRoleBinding/kubermesh-agent",
                "Role/kubermesh-agent-join-tokens",
                "RoleBinding/kubermesh-agent-join-tokens",
                "ConfigMap/kubermesh-cluster",
                "DaemonSet/kubermesh-agent");
        assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));
    }

    @Test
    void theAgentDaemonSetRunsOnTheHostNetworkWithNetAdminAndTheClusterConfig() {
        DaemonSet ds = (DaemonSet) parse(KubernetesRenderer.render(seed)).stream()
                .filter(o -> o instanceof DaemonSet).findFirst().orElseThrow();
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getServiceAccountName()).isEqualTo("kubermesh-agent");
        assertThat(pod.getTolerations()).anyMatch(t -> "Exists".equals(t.getOperator()) && t.getKey() == null);
        Container agent = pod.getContainers().get(0);
        assertThat(agent.getCommand()).containsExactly("kubermesh", "agent", "--config", "/etc/kubermesh/cluster.yaml");
        assertThat(agent.getSecurityContext().getCapabilities().getAdd()).contains("NET_ADMIN");
        assertThat(agent.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/kubermesh"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getConfigMap() != null
                && v.getConfigMap().getName().equals(KubernetesRenderer.CLUSTER_CONFIG));
        assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(ds.getSpec().getTemplate().getMetadata().getLabels());
    }

    @Test
    void theConfigMapHoldsTheClusterYamlThatReadsBackAsTheSpec() {
        ConfigMap cm = (ConfigMap) parse(KubernetesRenderer.render(seed)).stream()
                .filter(o -> o instanceof ConfigMap).findFirst().orElseThrow();
        assertThat(ClusterConfig.parse(cm.getData().get("cluster.yaml"), "configmap")).isEqualTo(seed);
    }

    @Test
    void theMachineDefinitionComesFromTheJavaTypes() {
        CustomResourceDefinition crd = MachineDefinition.get();
        assertThat(crd.getSpec().getGroup()).isEqualTo(Machine.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("Machine");
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
        assertThat(v.getName()).isEqualTo(Machine.VERSION);
        assertThat(v.getSubresources().getStatus()).isNotNull();
        JSONSchemaProps status = v.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertThat(status.getProperties()).containsKeys("state", "block", "host", "neighbours", "bootHistory");
        assertThat(status.getProperties().get("neighbours").getItems().getSchema().getProperties())
                .containsKeys("port", "machine");
        assertThat(status.getProperties().get("bootHistory").getItems().getSchema().getProperties())
                .containsKeys("time", "event", "via");
        JSONSchemaProps spec = v.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).contains("identity");
        assertThat(spec.getProperties().get("identity").getPattern()).isNotBlank();
    }

    @Test
    void everyRenderedObjectIsAcceptedByTheApiserver() {
        KubernetesRenderer renderer = new KubernetesRenderer(seed, new KubernetesRenderer.Options("mesh", "example/agent:1"));
        for (HasMetadata o : renderer.objects()) {
            client.resource(o).create();
        }
        assertThat(client.apps().daemonSets().inNamespace("mesh").withName("kubermesh-agent").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("example/agent:1");
        KubernetesResourceList<CustomResourceDefinition> crds = client.apiextensions().v1().customResourceDefinitions().list();
        assertThat(crds.getItems().stream().map(c -> c.getMetadata().getName()).collect(Collectors.toList()))
                .containsExactly("machines.kubermesh.io");
    }
}
