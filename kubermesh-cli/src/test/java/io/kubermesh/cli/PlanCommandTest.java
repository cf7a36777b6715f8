package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Kubermesh.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonHasTheDocumentedFieldsForTheSeedNode() throws Exception {
        Result r = run("plan", "--profile", "seed", "--mac", "52:54:00:12:34:56", "--output", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.fieldNames()).toIterable().containsExactly("cluster", "anycast", "nodes");
        assertThat(root.at("/cluster/prefix").asText()).isEqualTo("2001:db8::/71");
        assertThat(root.at("/anycast/1/name").asText()).isEqualTo("etcd");
        assertThat(root.at("/anycast/1/address").asText()).isEqualTo("fd65:7b9c:569:680:98eb:c508:ea6b:b0b2");
        assertThat(root.at("/anycast/1/port").asInt()).isEqualTo(2379);
        JsonNode node = root.at("/nodes/0");
        assertThat(node.fieldNames()).toIterable()
                .containsExactly("mac", "block", "host", "hostRegion", "portRegion", "ports", "pods");
        assertThat(node.get("mac").asText()).isEqualTo("52:54:00:12:34:56");
        assertThat(node.get("block").asText()).isEqualTo("2001:db8::a4:a800:2468:ac00/119");
        assertThat(node.get("pods").asText()).isEqualTo("2001:db8::a4:a800:2468:ad00/120");
        JsonNode port3 = node.at("/ports/3");
        assertThat(port3.fieldNames()).toIterable().containsExactly("index", "interface", "prefix", "address", "pool");
        assertThat(port3.get("interface").asText()).isEqualTo("cluster3");
        assertThat(port3.get("prefix").asText()).isEqualTo("2001:db8::a4:a800:2468:ac2c/126");
        assertThat(port3.get("pool")).hasSize(3);
    }

    @Test
    void yamlCarriesTheSameDocument() throws Exception {
        Result json = run("plan", "--mac", "52:54:00:12:34:56", "-o", "json");
        Result yaml = run("plan", "--mac", "52:54:00:12:34:56", "-o", "yaml");
        assertThat(yaml.code()).isZero();
        assertThat(new YAMLMapper().readTree(yaml.out())).isEqualTo(new ObjectMapper().readTree(json.out()));
    }

    @Test
    void anInventoryWithCommentsPlansEveryMacOnce(@TempDir Path dir) throws Exception {
        Path inv = dir.resolve("macs.txt");
        Files.writeString(inv, "# rack 7\n52:54:00:00:00:01\n\n52:54:00:00:00:02  # top\n");
        Result r = run("plan", "--inventory", inv.toString(), "--mac", "52:54:00:00:00:01", "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).get("nodes")).hasSize(2);
    }

    @Test
    void aBadInventoryLineIsNamedWithItsLineNumber(@TempDir Path dir) throws Exception {
        Path inv = dir.resolve("macs.txt");
        Files.writeString(inv, "52:54:00:00:00:01\nnot-a-mac\n");
        Result r = run("plan", "--inventory", inv.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 2").contains("not-a-mac").contains("six hex octets");
        Files.writeString(inv, "52:54:00:00:00:01\n52:54:00:00:00:01\n");
        assertThat(run("plan", "--inventory", inv.toString()).err()).contains("line 1 has it");
    }

    @Test
    void badInputExitsTwoNamingFieldValueAndWhatIsValid(@TempDir Path dir) throws Exception {
        Result mac = run("plan", "--mac", "52:54:00:12:34");
        assertThat(mac.code()).isEqualTo(2);
        assertThat(mac.err()).contains("--mac").contains("52:54:00:12:34").contains("like 52:54:00:12:34:56");
        Result multicast = run("plan", "--mac", "01:00:5e:00:00:01");
        assertThat(multicast.code()).isEqualTo(2);
        assertThat(multicast.err()).contains("unicast");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "cluster: { ipv6: { prefix: '2001:db8::/72' } }");
        Result prefix = run("plan", "--config", cfg.toString());
        assertThat(prefix.code()).isEqualTo(2);
        assertThat(prefix.err()).contains("cluster.ipv6.prefix").contains("2001:db8::/72").contains("/71 or shorter");
        assertThat(run("plan", "--output", "xml").code()).isEqualTo(2);
        assertThat(run("plan", "--profile", "seed", "--config", cfg.toString()).code()).isEqualTo(2);
        assertThat(run("plan", "--profile", "nope").err()).contains("one of [seed]");
    }

    @Test
    void ownerNamesNodeRegionPortAndService() throws Exception {
        Result r = run("plan", "owner", "-o", "json", "2001:db8::a4:a800:2468:ac2a",
                "fd65:7b9c:569:680:98eb:c508:ea6b:b0b2", "2001:db8::a4:a800:2468:ad17");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(r.out());
        assertThat(a.at("/0/region").asText()).isEqualTo("port-pool");
        assertThat(a.at("/0/mac").asText()).isEqualTo("52:54:00:12:34:56");
        assertThat(a.at("/0/port").asInt()).isEqualTo(2);
        assertThat(a.at("/1/service").asText()).isEqualTo("etcd");
        assertThat(a.at("/2/region").asText()).isEqualTo("pods");
    }

    @Test
    void ownerOfAnAddressOutsideTheClusterIsBadInput() {
        Result r = run("plan", "owner", "2001:db9::1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("2001:db9::1").contains("2001:db8::/71").contains("fd65:7b9c:569:680::/64");
    }

    @Test
    void theTableShowsEveryPort() {
        Result r = run("plan", "--mac", "52:54:00:12:34:56");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("cluster7").contains("2001:db8::a4:a800:2468:ac3c/126").contains("etcd");
    }
}
