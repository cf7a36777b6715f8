package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JoinTokensTest {
    private static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");
    private final AddressPlan plan = new AddressPlan(ClusterConfig.seed());
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T08:00:00.250Z"));
    private KubernetesMockServer server;
    private KubernetesClient client;
    private JoinTokens tokens;

    @BeforeEach
    void start() {
        server = CrudApiserver.start();
        client = server.createClient();
        tokens = new JoinTokens(client, plan, CaCertHashTest.PIN, clock, Duration.ofMinutes(30), new SecureRandom());
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private List<Secret> secrets() {
        return client.secrets().inNamespace("kube-system").list().getItems();
    }

    private static String data(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void aTokenIsAStandardBootstrapTokenSecretBoundToTheMachine() {
        JoinCredentials c = tokens.issue(A, "node-a", plan.host(A));
        assertThat(c.tokenId()).matches("[a-z0-9]{6}");
        assertThat(c.tokenSecret()).matches("[a-z0-9]{16}");
        assertThat(c.expires()).isEqualTo(Instant.parse("2026-11-26T08:30:00Z"));
        Secret s = client.secrets().inNamespace("kube-system").withName("bootstrap-token-" + c.tokenId()).get();
        assertThat(s.getType()).isEqualTo("bootstrap.kubernetes.io/token");
        assertThat(data(s, "token-id")).isEqualTo(c.tokenId());
        assertThat(data(s, "token-secret")).isEqualTo(c.tokenSecret());
        assertThat(data(s, "expiration")).isEqualTo("2026-11-26T08:30:00Z");
        assertThat(data(s, "usage-bootstrap-authentication")).isEqualTo("true");
        assertThat(data(s, "usage-bootstrap-signing")).isEqualTo("true");
        assertThat(data(s, "auth-extra-groups").split(",")).allMatch(g -> g.startsWith("system:bootstrappers:"));
        assertThat(s.getMetadata().getLabels()).containsEntry(JoinTokens.IDENTITY_LABEL, "52-54-00-00-00-0a");
        assertThat(s.getMetadata().getAnnotations()).containsEntry("kubermesh.io/machine", A.toString());
    }

    @Test
    void theJoinConfigurationPointsAtTheApiserverAnycastAddressAndPinsTheCa() throws Exception {
        JoinCredentials c = tokens.issue(A, "node-a", plan.host(A));
        JsonNode j = new ObjectMapper(new YAMLFactory()).readTree(c.ignitionFileFor(A).contents());
        assertThat(j.get("apiVersion").asText()).isEqualTo("kubeadm.k8s.io/v1beta3");
        assertThat(j.get("kind").asText()).isEqualTo("JoinConfiguration");
        JsonNode bt = j.get("discovery").get("bootstrapToken");
        assertThat(bt.get("token").asText()).isEqualTo(c.token());
        String apiserver = plan.anycast().stream().filter(s -> s.name().equals("apiserver")).findFirst().orElseThrow()
                .address().toString();
        assertThat(bt.get("apiServerEndpoint").asText()).isEqualTo("[" + apiserver + "]:443");
        assertThat(bt.get("caCertHashes").get(0).asText()).isEqualTo(CaCertHashTest.PIN);
        assertThat(j.get("nodeRegistration").get("name").asText()).isEqualTo("node-a");
        assertThat(j.get("nodeRegistration").get("kubeletExtraArgs").get("node-ip").asText()).isEqualTo(plan.host(A).toString());
    }

    @Test
    void theCredentialsGoOnlyIntoTheirOwnMachinesIgnitionAndNeverPrintTheSecret() {
        JoinCredentials c = tokens.issue(A, "node-a", plan.host(A));
        assertThat(c.ignitionFileFor(A).path()).isEqualTo("/etc/kubernetes/kubeadm-join.yaml");
        assertThat(c.ignitionFileFor(A).mode()).isEqualTo(0600);
        assertThatThrownBy(() -> c.ignitionFileFor(B)).isInstanceOf(KubermeshException.class)
                .hasMessageContaining(B.toString()).hasMessageNotContaining(c.tokenSecret());
        assertThat(c.toString()).contains(c.tokenId()).doesNotContain(c.tokenSecret());
        assertThat(c.ignitionFileFor(A).toString()).doesNotContain(c.tokenSecret());
    }

    @Test
    void aNewTokenRevokesTheMachinesOldOneAndLeavesOthers() {
        JoinCredentials a1 = tokens.issue(A, "node-a", plan.host(A));
        JoinCredentials b1 = tokens.issue(B, "node-b", plan.host(B));
        JoinCredentials a2 = tokens.issue(A, "node-a", plan.host(A));
        assertThat(a2.token()).isNotEqualTo(a1.token());
        assertThat(secrets()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("bootstrap-token-" + a2.tokenId(), "bootstrap-token-" + b1.tokenId());
        assertThat(tokens.revoke(B)).isEqualTo(1);
        assertThat(secrets()).hasSize(1);
    }

    @Test
    void expiredTokensAreRemoved() {
        tokens.issue(A, "node-a", plan.host(A));
        clock.advance(Duration.ofMinutes(20));
        JoinCredentials b = tokens.issue(B, "node-b", plan.host(B));
        assertThat(tokens.removeExpired()).isZero();
        clock.advance(Duration.ofMinutes(10));
        assertThat(tokens.removeExpired()).isEqualTo(1);
        assertThat(secrets().stream().map(s -> s.getMetadata().getName()).collect(Collectors.toList()))
                .containsExactly("bootstrap-token-" + b.tokenId());
    }

    @Test
    void tokensAreNotReused() {
        Map<String, Boolean> seen = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            MacAddress m = new MacAddress(0x525400000100L + i);
            assertThat(seen.put(tokens.issue(m, "n" + i, plan.host(m)).tokenId(), true)).isNull();
        }
    }

    @Test
    void withoutAnApiserverServiceThereIsNothingToJoin() {
        AddressPlan bare = new AddressPlan(ClusterConfig.seed().withServices(List.of()));
        assertThatThrownBy(() -> new JoinTokens(client, bare, CaCertHashTest.PIN, clock, Duration.ofMinutes(5), new SecureRandom()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("apiserver");
        assertThatThrownBy(() -> new JoinTokens(client, plan, "md5:00", clock, Duration.ofMinutes(5), new SecureRandom()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sha256");
    }
}
