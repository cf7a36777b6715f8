package io.kubermesh.boot.machine;

import io.kubermesh.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileCatalogTest {
    static Profile profile(String id) {
        return new Profile(id, id + "/vmlinuz", List.of(), List.of(), Ignition.EMPTY);
    }

    final ProfileCatalog catalog = new ProfileCatalog(List.of(
            new Group("default", "generic", Map.of()),
            new Group("arm", "arm", Map.of("arch", "arm64")),
            new Group("port1-x86", "special", Map.of("arch", "x86_64", "port", "cluster1")),
            new Group("one-mac", "pinned", Map.of("mac", "52:54:00:00:00:09"))),
            List.of(profile("generic"), profile("arm"), profile("special"), profile("pinned")));

    private static Map<String, String> facts(String mac, String arch, String port) {
        return Map.of("mac", mac, "uuid", "", "arch", arch, "serial", "", "port", port);
    }

    @Test
    void mostSpecificGroupWins() {
        assertThat(catalog.select(facts("52:54:00:00:00:01", "x86_64", "cluster0")).profile()).map(Profile::id).contains("generic");
        assertThat(catalog.select(facts("52:54:00:00:00:01", "arm64", "cluster0")).profile()).map(Profile::id).contains("arm");
        assertThat(catalog.select(facts("52:54:00:00:00:01", "x86_64", "cluster1")).profile()).map(Profile::id).contains("special");
        assertThat(catalog.select(facts("52:54:00:00:00:09", "x86_64", "cluster0")).profile()).map(Profile::id).contains("pinned");
        assertThat(catalog.select(facts("52:54:00:00:00:09", "x86_64", "cluster1")).profile()).map(Profile::id)
                .as("two selectors beat one").contains("special");
    }

    @Test
    void macSelectorIsCaseInsensitive() {
        assertThat(catalog.select(facts("52:54:00:00:00:09".toUpperCase(), "x86_64", "c")).group()).map(Group::id).contains("one-mac");
    }

    @Test
    void noMatchSaysWhy() {
        ProfileCatalog onlyArm = new ProfileCatalog(List.of(new Group("arm", "arm", Map.of("arch", "arm64"))), List.of(profile("arm")));
        ProfileCatalog.Selection s = onlyArm.select(facts("52:54:00:00:00:01", "x86_64", "cluster0"));
        assertThat(s.profile()).isEmpty();
        assertThat(s.note()).contains("none of the 1 groups matches").contains("x86_64");
        assertThat(new ProfileCatalog(List.of(), List.of()).select(Map.of()).note()).contains("no groups");
    }

    @Test
    void tieIsBrokenByIdAndReported() {
        ProfileCatalog tie = new ProfileCatalog(List.of(new Group("b", "arm", Map.of("arch", "x86_64")),
                new Group("a", "generic", Map.of("port", "cluster0"))), List.of(profile("arm"), profile("generic")));
        ProfileCatalog.Selection s = tie.select(facts("52:54:00:00:00:01", "x86_64", "cluster0"));
        assertThat(s.group()).map(Group::id).contains("a");
        assertThat(s.note()).contains("tied with group b");
    }

    @Test
    void loadsJsonAndRejectsBrokenReferences(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("groups"));
        Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(dir.resolve("profiles/debian.json"), "{\"id\":\"debian\",\"kernel\":\"vmlinuz\",\"initrd\":[\"initrd.gz\"],"
                + "\"args\":[\"console=ttyS0\"],\"ignition\":{\"files\":[{\"path\":\"/etc/motd\",\"mode\":420,\"contents\":\"hi\"}],"
                + "\"units\":[{\"name\":\"a.service\",\"enabled\":true,\"contents\":\"[Unit]\"}],"
                + "\"users\":[{\"name\":\"core\",\"sshAuthorizedKeys\":[\"ssh-ed25519 AAAA\"]}]}}");
        Files.writeString(dir.resolve("groups/all.json"), "{\"id\":\"all\",\"profile\":\"debian\",\"selectors\":{}}");
        ProfileCatalog c = ProfileCatalog.load(dir);
        assertThat(c.profile("debian").orElseThrow().ignition().users().get(0).sshAuthorizedKeys()).containsExactly("ssh-ed25519 AAAA");
        Files.writeString(dir.resolve("groups/bad.json"), "{\"id\":\"bad\",\"profile\":\"nope\",\"selectors\":{}}");
        assertThatThrownBy(() -> ProfileCatalog.load(dir)).isInstanceOf(ConfigurationException.class).hasMessageContaining("nope");
        Files.writeString(dir.resolve("groups/bad.json"), "{\"id\":\"bad\",\"profile\":\"debian\",\"selectors\":{\"colour\":\"red\"}}");
        assertThatThrownBy(() -> ProfileCatalog.load(dir)).isInstanceOf(ConfigurationException.class).hasMessageContaining("colour");
    }
}
