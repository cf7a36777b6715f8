package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingKeyringTest {
    private static final RoutingKey K = Fixtures.KEY;
    private static final RoutingKey N = Fixtures.NEXT_KEY;

    @TempDir
    Path tmp;

    @Test
    void aRingOfOneKeyIsTheOneLineFileOfThatKey() {
        RoutingKeyring one = RoutingKeyring.of(K);
        assertThat(one.format()).isEqualTo("7 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
                .isEqualTo(K.format());
        assertThat(RoutingKeyring.parse(one.format())).isEqualTo(one);
        assertThat(RoutingKeyring.parse(K.format().trim())).isEqualTo(one);
        assertThat(one.all()).containsExactly(K);
        assertThat(one.ids()).isEqualTo("7");
    }

    @Test
    void aRingOfTwoKeysHasTheKeySignedWithFirst() {
        RoutingKeyring rolling = new RoutingKeyring(N, List.of(K));
        assertThat(rolling.format()).isEqualTo("8 ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n"
                + "7 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        RoutingKeyring back = RoutingKeyring.parse(rolling.format());
        assertThat(back).isEqualTo(rolling);
        assertThat(back.send()).isEqualTo(N);
        assertThat(back.accepted()).containsExactly(K);
        assertThat(back.all()).containsExactly(N, K);
        assertThat(back.ids()).isEqualTo("8 (also accepting 7)");
        // Blank lines and CRLF do not matter; the order of the lines does.
        assertThat(RoutingKeyring.parse("\n" + K.format().replace("\n", "\r\n") + "\n" + N.format() + "\n"))
                .isEqualTo(new RoutingKeyring(K, List.of(N)));
    }

    @Test
    void theFileIsWrittenOnlyForItsOwnerAndReadBack() throws Exception {
        RoutingKeyring rolling = new RoutingKeyring(N, List.of(K));
        Path f = tmp.resolve("pki/routing.key");
        RoutingKeyring.of(K).write(f);
        rolling.write(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(RoutingKeyring.read(f)).isEqualTo(rolling);
        assertThat(Files.readString(f)).isEqualTo(rolling.format());
        assertThat(tmp.resolve("pki").toFile().list()).containsExactly("routing.key");
    }

    @Test
    void malformedFilesAreRefusedWithoutShowingASecret() {
        String k = K.secret();
        String n = N.secret();
        String third = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for (String bad : new String[] {"", "\n\n", "  \n", "7 " + k + "\n8 " + n + "\n9 " + third + "\n",
                "7 " + k + "\n7 " + n + "\n", "7 " + k + "\n8 " + n.substring(1) + "g\n", "7 " + k + "\n8 " + n.toUpperCase() + "\n",
                "7 " + k + "\n0 " + n + "\n", "7 " + k + "\n65536 " + n + "\n", "7 " + k + "\nx " + n + "\n", "7 " + k + "\n" + n + "\n",
                "7 " + k + " 8 " + n + "\n"}) {
            assertThatThrownBy(() -> RoutingKeyring.parse(bad)).as(bad.replace("\n", "|")).isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(k).doesNotContain(n).doesNotContain(third)
                            .doesNotContain(n.substring(1)).doesNotContain(n.toUpperCase()));
        }
    }

    @Test
    void aRingIsNeverMoreThanOneRollOrTwoKeysOfOneId() {
        RoutingKey third = new RoutingKey(9, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> new RoutingKeyring(N, List.of(K, third))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("3 keys");
        assertThatThrownBy(() -> new RoutingKeyring(K, List.of(new RoutingKey(7, N.secret()))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("id 7 twice");
        assertThatThrownBy(() -> new RoutingKeyring(null, List.of(K))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void textForStatusAndLogsShowsIdsNeverSecrets() {
        RoutingKeyring rolling = new RoutingKeyring(N, List.of(K));
        for (String text : List.of(rolling.toString(), rolling.ids(), Fixtures.rollingNode().toString(), String.valueOf(List.of(rolling)))) {
            assertThat(text).doesNotContain(K.secret()).doesNotContain(N.secret()).doesNotContain(K.bfdKey())
                    .doesNotContain(N.bfdKey());
        }
        assertThat(rolling.toString()).contains("8 (also accepting 7)").contains("redacted");
    }
}
