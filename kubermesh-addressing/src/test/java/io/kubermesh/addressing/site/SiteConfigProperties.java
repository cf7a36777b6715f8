package io.kubermesh.addressing.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SiteConfigProperties {
    /** Any text, and any mutation of a valid inventory, parses or is refused with paths; nothing else escapes. */
    @Property(tries = 300)
    void anyInputParsesOrIsRefusedWithPaths(@ForAll("inventories") String yaml) {
        try {
            SiteConfig.parse(yaml, "fuzz", Path.of("/nonexistent"), Map.of("KM", "x")::get);
        } catch (ConfigurationException e) {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.path()).matches("(site|\\(top\\)).*").doesNotContain("null"));
        }
    }

    @Provide
    Arbitrary<String> inventories() {
        String valid = "site:\n  machines:\n    - name: gateway\n      nics: [\"52:54:00:00:00:01\", \"52:54:00:00:00:02\"]\n"
                + "    - name: node1\n      nics: [\"52:54:00:00:01:01\"]\n"
                + "      bmc: {address: \"redfish://h:8443\", username: a, passwordEnv: KM, tls: {fingerprint: \"" + "0f".repeat(32) + "\"}}\n"
                + "    - name: node2\n      nics: [\"52:54:00:00:02:01\"]\n      bmc: {address: wol}\n"
                + "  cables:\n    - [\"gateway:0\", \"node1:0\"]\n    - [\"gateway:1\", \"node2:0\"]\n";
        Arbitrary<String> mutated = Arbitraries.integers().between(0, valid.length() - 1).tuple2()
                .flatMap(t -> Arbitraries.strings().ofMaxLength(4).map(ins -> {
                    int a = Math.min(t.get1(), t.get2());
                    int b = Math.max(t.get1(), t.get2());
                    return valid.substring(0, a) + ins + valid.substring(Math.min(b, a + 3));
                }));
        return Arbitraries.oneOf(mutated, Arbitraries.strings().ofMaxLength(200), Arbitraries.just(valid));
    }
}
