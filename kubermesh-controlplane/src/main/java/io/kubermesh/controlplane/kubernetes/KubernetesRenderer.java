package io.kubermesh.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.controlplane.kubernetes.crd.Machine;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The manifests kubermesh puts into its cluster, built with fabric8's model builders: a namespace,
 * the agent's ServiceAccount and RBAC, a ConfigMap with the cluster YAML, the agent DaemonSet
 * (host network, NET_ADMIN and NET_RAW, on every node, tolerating every taint) and the
 * {@code Machine} CustomResourceDefinition. No secret is ever part of them.
 */
public final class KubernetesRenderer {
    /** Where the agent reads the cluster YAML; the ConfigMap is mounted at its directory. */
    public static final String CONFIG_DIR = "/etc/kubermesh";
    public static final String CONFIG_FILE = "cluster.yaml";
    /** Name of the agent's ServiceAccount, ClusterRole, bindings and DaemonSet. */
    public static final String AGENT = "kubermesh-agent";
    /** Name of the ConfigMap with the cluster YAML. */
    public static final String CLUSTER_CONFIG = "kubermesh-cluster";
    /** Label every rendered object carries. */
    public static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", "kubermesh",
            "app.kubernetes.io/component", "agent");

    /**
     * What the manifests depend on besides the cluster spec.
     *
     * @param namespace where the agent and its ConfigMaps live
     * @param image the agent's container image
     */
    public record Options(String namespace, String image) {
        public static final Options DEFAULT = new Options("kubermesh-system", "ghcr.io/kubermesh/kubermesh:0.1.0");

        public Options {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(image, "image");
        }
    }

    private final ClusterSpec spec;
    private final Options options;

    public KubernetesRenderer(ClusterSpec spec, Options options) {
        this.spec = spec;
        this.options = options;
    }

    /** The manifests of {@code spec} with the default namespace and image, as one multi-document YAML. */
    public static String render(ClusterSpec spec) {
        return new KubernetesRenderer(spec, Options.DEFAULT).yaml();
    }

    /** Every object, in the order to apply them (namespace and definition first). */
    public List<HasMetadata> objects() {
        return List.of(namespace(), MachineDefinition.get(), serviceAccount(), clusterRole(), clusterRoleBinding(),
                bootstrapRole(), bootstrapRoleBinding(), configMap(), daemonSet());
    }

    /** The objects as multi-document YAML. */
    public String yaml() {
        return objects().stream().map(o -> {
            String doc = Serialization.asYaml(o);
            return doc.startsWith("---") ? doc : "---\n" + doc;
        }).collect(Collectors.joining());
    }

    Namespace namespace() {
        return new NamespaceBuilder().withNewMetadata().withName(options.namespace()).withLabels(LABELS).endMetadata().build();
    }

    ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder().withNewMetadata().withName(AGENT).withNamespace(options.namespace())
                .withLabels(LABELS).endMetadata().build();
    }

    ClusterRole clusterRole() {
        return new ClusterRoleBuilder().withNewMetadata().withName(AGENT).withLabels(LABELS).endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("nodes")
                        .withVerbs("get", "list", "watch", "patch", "update", "delete").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups(Machine.GROUP).withResources("machines", "machines/status")
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withVerbs("get", "list", "watch", "create", "update").build())
                .build();
    }

    ClusterRoleBinding clusterRoleBinding() {
        return new ClusterRoleBindingBuilder().withNewMetadata().withName(AGENT).withLabels(LABELS).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", AGENT)
                .addNewSubject().withKind("ServiceAccount").withName(AGENT).withNamespace(options.namespace()).endSubject()
                .build();
    }

    /** Bootstrap-token Secrets live in kube-system: the agent may manage Secrets there and nowhere else. */
    Role bootstrapRole() {
        return new RoleBuilder().withNewMetadata().withName(AGENT + "-join-tokens").withNamespace(JoinTokens.NAMESPACE)
                .withLabels(LABELS).endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                        .withVerbs("get", "list", "create", "delete").build())
                .build();
    }

    RoleBinding bootstrapRoleBinding() {
        return new RoleBindingBuilder().withNewMetadata().withName(AGENT + "-join-tokens").withNamespace(JoinTokens.NAMESPACE)
                .withLabels(LABELS).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", AGENT + "-join-tokens")
                .addNewSubject().withKind("ServiceAccount").withName(AGENT).withNamespace(options.namespace()).endSubject()
                .build();
    }

    ConfigMap configMap() {
        return new ConfigMapBuilder().withNewMetadata().withName(CLUSTER_CONFIG).withNamespace(options.namespace())
                .withLabels(LABELS).endMetadata()
                .addToData(CONFIG_FILE, ClusterYaml.write(spec)).build();
    }

    DaemonSet daemonSet() {
        return new DaemonSetBuilder().withNewMetadata().withName(AGENT).withNamespace(options.namespace())
                .withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(LABELS).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withServiceAccountName(AGENT)
                .withHostNetwork(true)
                .withDnsPolicy("ClusterFirstWithHostNet")
                .withPriorityClassName("system-node-critical")
                .addNewToleration().withOperator("Exists").endToleration()
                .addNewContainer()
                .withName("agent")
                .withImage(options.image())
                .withCommand("kubermesh", "agent", "--config", CONFIG_DIR + "/" + CONFIG_FILE)
                .withNewSecurityContext().withNewCapabilities().withAdd("NET_ADMIN", "NET_RAW").endCapabilities()
                .endSecurityContext()
                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName")
                .endFieldRef().endValueFrom().endEnv()
                .addNewVolumeMount().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("state").withMountPath("/var/lib/kubermesh").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("config").withNewConfigMap().withName(CLUSTER_CONFIG).endConfigMap().endVolume()
                .addNewVolume().withName("state").withNewHostPath().withPath("/var/lib/kubermesh").withType("DirectoryOrCreate")
                .endHostPath().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
