package io.kubermesh.controlplane.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Short-lived per-machine join credentials: a kubeadm bootstrap token as a Secret
 * {@code bootstrap-token-ID} in kube-system (type {@code bootstrap.kubernetes.io/token}, usable
 * for authentication and signing, in the kubeadm node group and kubermesh's, with an expiration),
 * labelled with the machine's identity so that issuing a new one revokes the old; and a kubeadm
 * {@code JoinConfiguration} (v1beta3) that reaches the apiserver at its anycast address and pins
 * the cluster CA.
 */
public final class JoinTokens {
    /** Where bootstrap tokens live (the apiserver only looks there). */
    public static final String NAMESPACE = "kube-system";
    /** Label with the identity a token belongs to (the MAC with '-': label values cannot hold ':'). */
    public static final String IDENTITY_LABEL = "kubermesh.io/identity";
    /** Groups a kubermesh token authenticates as, besides system:bootstrappers. */
    public static final String GROUPS = "system:bootstrappers:kubeadm:default-node-token,system:bootstrappers:kubermesh";
    /** The default lifetime: long enough to install and boot, short enough not to matter once leaked. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final KubernetesClient client;
    private final String apiServerEndpoint;
    private final String caCertHash;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random;

    /**
     * @param plan gives the apiserver anycast address and port (the {@code apiserver} service)
     * @param caCertHash the CA pin, {@code sha256:HEX} ({@link CaCertHash})
     */
    public JoinTokens(KubernetesClient client, AddressPlan plan, String caCertHash, Clock clock, Duration ttl,
                      SecureRandom random) {
        if (caCertHash == null || !caCertHash.matches("sha256:[0-9a-f]{64}")) {
            throw new ConfigurationException("CA certificate hash", caCertHash, "sha256: and 64 lower-case hex digits");
        }
        AddressPlan.ResolvedService api = plan.anycast().stream().filter(s -> s.name().equals("apiserver")).findFirst()
                .orElseThrow(() -> new ConfigurationException("cluster.anycast.services", "(no apiserver)",
                        "a service named apiserver: join configurations point at its anycast address"));
        this.client = client;
        this.apiServerEndpoint = "[" + api.address() + "]:" + api.port();
        this.caCertHash = caCertHash;
        this.clock = clock;
        this.ttl = ttl;
        this.random = random;
    }

    /** Where joining machines reach the apiserver: {@code [anycast address]:port}. */
    public String apiServerEndpoint() {
        return apiServerEndpoint;
    }

    /**
     * Issues a new token to {@code machine} (revoking any it had) and its JoinConfiguration.
     *
     * @param nodeName the Node name it registers as
     * @param nodeIp its host address, the kubelet's node IP
     */
    public JoinCredentials issue(MacAddress machine, String nodeName, Ipv6Address nodeIp) {
        revoke(machine);
        String id = randomString(6);
        String secret = randomString(16);
        Instant expires = clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("token-id", id);
        data.put("token-secret", secret);
        data.put("expiration", DateTimeFormatter.ISO_INSTANT.format(expires));
        data.put("usage-bootstrap-authentication", "true");
        data.put("usage-bootstrap-signing", "true");
        data.put("auth-extra-groups", GROUPS);
        data.put("description", "kubermesh join token of machine " + machine + " (node " + nodeName + ")");
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        Secret s = new SecretBuilder().withNewMetadata().withName("bootstrap-token-" + id).withNamespace(NAMESPACE)
                .addToLabels(IDENTITY_LABEL, label(machine))
                .addToAnnotations("kubermesh.io/machine", machine.toString())
                .addToAnnotations("kubermesh.io/node", nodeName)
                .endMetadata()
                .withType("bootstrap.kubernetes.io/token")
                .withData(encoded).build();
        client.secrets().inNamespace(NAMESPACE).resource(s).create();
        return new JoinCredentials(machine, nodeName, id, secret, expires, joinConfiguration(id + "." + secret, nodeName, nodeIp));
    }

    /** Deletes every token of {@code machine}; returns how many. */
    public int revoke(MacAddress machine) {
        var tokens = client.secrets().inNamespace(NAMESPACE).withLabel(IDENTITY_LABEL, label(machine)).list().getItems();
        for (Secret s : tokens) {
            client.secrets().inNamespace(NAMESPACE).withName(s.getMetadata().getName()).delete();
        }
        return tokens.size();
    }

    /** Deletes kubermesh's tokens past their expiration (the apiserver's token cleaner does too, when it runs). */
    public int removeExpired() {
        Instant now = clock.instant();
        int removed = 0;
        for (Secret s : client.secrets().inNamespace(NAMESPACE).withLabel(IDENTITY_LABEL).list().getItems()) {
            String exp = s.getData() == null ? null : s.getData().get("expiration");
            if (exp != null && !Instant.parse(new String(Base64.getDecoder().decode(exp), StandardCharsets.UTF_8)).isAfter(now)) {
                client.secrets().inNamespace(NAMESPACE).withName(s.getMetadata().getName()).delete();
                removed++;
            }
        }
        return removed;
    }

    /** The identity as a label value. */
    public static String label(MacAddress machine) {
        return machine.toString().replace(':', '-');
    }

    String joinConfiguration(String token, String nodeName, Ipv6Address nodeIp) {
        ObjectNode root = YAML.createObjectNode();
        root.put("apiVersion", "kubeadm.k8s.io/v1beta3");
        root.put("kind", "JoinConfiguration");
        ObjectNode discovery = root.putObject("discovery");
        ObjectNode bootstrap = discovery.putObject("bootstrapToken");
        bootstrap.put("token", token);
        bootstrap.put("apiServerEndpoint", apiServerEndpoint);
        bootstrap.putArray("caCertHashes").add(caCertHash);
        discovery.put("tlsBootstrapToken", token);
        ObjectNode registration = root.putObject("nodeRegistration");
        registration.put("name", nodeName);
        registration.putObject("kubeletExtraArgs").put("node-ip", nodeIp.toString());
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String randomString(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
