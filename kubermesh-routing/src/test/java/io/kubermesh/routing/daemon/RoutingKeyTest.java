package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingKeyTest {
    @TempDir
    Path tmp;

    @Test
    void aGeneratedKeyRoundTripsThroughItsFileWhichOnlyItsOwnerReads() throws Exception {
        RoutingKey k = RoutingKey.generate(new SecureRandom());
        assertThat(k.id()).isEqualTo(1);
        assertThat(RoutingKey.generate(new SecureRandom())).isNotEqualTo(k);
        Path f = tmp.resolve("pki/routing.key");
        k.write(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(RoutingKey.read(f)).isEqualTo(k);
        assertThat(Files.readString(f)).isEqualTo("1 " + k.secret() + "\n");
    }

    @Test
    void theSecretNeverShowsInTextOrErrors() {
        RoutingKey k = Fixtures.KEY;
        assertThat(k.toString()).doesNotContain(k.secret()).contains("redacted");
        assertThat(new NodeConfig("n", 1, java.util.List.of(), "stub0", java.util.Optional.empty(), Path.of("/x"),
                io.kubermesh.api.RoutingSpec.DEFAULT).withKey(k).toString()).doesNotContain(k.secret());
        String almost = k.secret().substring(1) + "g";
        assertThatThrownBy(() -> RoutingKey.parse("1 " + almost)).isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(almost));
    }

    @Test
    void malformedFilesAreRefused() {
        String hex = Fixtures.KEY.secret();
        for (String bad : new String[] {"", hex, "0 " + hex, "65536 " + hex, "1 " + hex.toUpperCase(), "1 " + hex + "00",
                "1 " + hex + " extra", "x " + hex}) {
            assertThatThrownBy(() -> RoutingKey.parse(bad)).as(bad).isInstanceOf(ConfigurationException.class);
        }
        assertThat(RoutingKey.parse("65535 " + hex + "\n").id()).isEqualTo(65535);
    }
}
