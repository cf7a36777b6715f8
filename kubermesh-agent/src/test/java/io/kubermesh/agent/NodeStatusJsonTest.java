package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The components' JSON names are stable (docs/cli.md) and an older agent's document, without them, still reads. */
class NodeStatusJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void componentsSerialiseWithTheirDocumentedNamesSortedByName() throws Exception {
        ManualClock clock = new ManualClock();
        ComponentHealth etcd = new ComponentHealth("etcd", clock);
        etcd.failed("the etcd server binary is not installed\nsecond line");
        ComponentHealth routing = new ComponentHealth("routing", clock);
        clock.advance(Duration.ofSeconds(2));
        routing.running("frr, pids [1, 2, 3]");
        NodeStatus s = new NodeStatus("n", "running", "52:54:00:00:00:01", "h", "b", "p", "kmstub0", List.of(), List.of(),
                "t0", "t1", null, null).withComponents(List.of(routing.view(), etcd.view()));
        JsonNode tree = JSON.readTree(JSON.writeValueAsBytes(s));
        assertThat(tree.get("components")).hasSize(2);
        JsonNode first = tree.get("components").get(0);
        assertThat(first.get("name").asText()).isEqualTo("etcd");
        assertThat(first.get("state").asText()).isEqualTo("failed");
        assertThat(first.get("error").asText()).isEqualTo("the etcd server binary is not installed");
        assertThat(first.get("detail").isNull()).isTrue();
        assertThat(first.get("since").asText()).isEqualTo(ManualClock.DEFAULT_START.toString());
        JsonNode second = tree.get("components").get(1);
        assertThat(second.get("since").asText()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(2).toString());
        assertThat(second.get("detail").asText()).isEqualTo("frr, pids [1, 2, 3]");
        assertThat(JSON.readValue(JSON.writeValueAsBytes(s), NodeStatus.class)).isEqualTo(s);
        assertThat(s.failedComponents()).extracting(ComponentStatus::name).containsExactly("etcd");
        assertThat(tree.has("failedComponents")).isFalse();
    }

    @Test
    void aDocumentWithoutComponentsReadsAsNone() throws Exception {
        String old = "{\"name\":\"n\",\"state\":\"running\",\"identity\":\"i\",\"host\":\"h\",\"block\":\"b\",\"pods\":\"p\","
                + "\"stub\":\"s\",\"ports\":[],\"anycast\":[],\"startedAt\":\"t\",\"updatedAt\":\"u\",\"etcd\":null,\"ipv4\":null}";
        assertThat(JSON.readValue(old, NodeStatus.class).components()).isEmpty();
        assertThatThrownBy(() -> new ComponentStatus("x", "broken", null, null, "t")).isInstanceOf(IllegalArgumentException.class);
    }
}
