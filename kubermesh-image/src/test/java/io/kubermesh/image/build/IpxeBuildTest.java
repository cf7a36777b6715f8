package io.kubermesh.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What decides kubermesh's iPXE build: the source tree, its content hash, the script, the built loaders' check. */
class IpxeBuildTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryThatIsNoIpxeTreeIsRefusedWithWhereToGetOne() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        assertThatThrownBy(() -> IpxeBuild.from(dir)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--ipxe-source").hasMessageContaining("src/Makefile")
                .hasMessageContaining("apt-get source ipxe");
    }

    @Test
    void theTreeIsFoundFromItsRootOrItsSrc() throws Exception {
        tree();
        assertThat(IpxeBuild.from(dir).given()).isTrue();
        assertThat(IpxeBuild.from(dir.resolve("src")).given()).isTrue();
        assertThat(IpxeBuild.none().given()).isFalse();
    }

    @Test
    void theSourceHashFollowsSourcesAndIgnoresBuildOutputs() throws Exception {
        tree();
        Path src = dir.resolve("src");
        String first = IpxeBuild.treeHash(src);
        Files.createDirectories(src.resolve("bin-x86_64-efi"));
        Files.writeString(src.resolve("bin-x86_64-efi/snponly.efi"), "an earlier build");
        Files.createDirectories(src.resolve("bin"));
        Files.writeString(src.resolve("bin/undionly.kpxe"), "an earlier build");
        Files.createDirectories(src.resolve("config/local"));
        Files.writeString(src.resolve("config/local/general.h"), "#define NET_PROTO_IPV6\n");
        assertThat(IpxeBuild.treeHash(src)).as("build outputs and our own config").isEqualTo(first);
        Files.setLastModifiedTime(src.resolve("Makefile"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertThat(IpxeBuild.treeHash(src)).as("a touched file").isEqualTo(first);
        Files.writeString(src.resolve("net/ndp.c"), "/* patched */\n");
        assertThat(IpxeBuild.treeHash(src)).as("a changed source").isNotEqualTo(first);
    }

    @Test
    void theScriptConfiguresIpv6AloneBeforeChainingAndFallsBackToAutoboot() {
        List<String> lines = IpxeBuild.SCRIPT.lines().toList();
        assertThat(lines.get(0)).isEqualTo("#!ipxe");
        int ifconf = indexOf(lines, "ifconf --configurator ipv6 && chain ${filename} ||");
        int autoboot = indexOf(lines, "autoboot");
        assertThat(ifconf).isPositive().isLessThan(autoboot);
        assertThat(lines).noneMatch(l -> l.matches("\\s*(dhcp|ifconf)(\\s+net\\d)?\\s*")); // never DHCPv4 first
        assertThat(IpxeBuild.SCRIPT).contains(IpxeBuild.MARKER);
        assertThat(IpxeBuild.LOCAL_GENERAL_H).contains("#define NET_PROTO_IPV6");
        assertThat(IpxeBuild.TARGETS.values()).containsExactlyElementsOf(RootLayer.DEBIAN_LOADERS);
    }

    @Test
    void aBuiltLoaderWithoutTheScriptOrNotEfiIsRefused() throws Exception {
        Path ok = dir.resolve("snponly.efi");
        Files.write(ok, ("MZ....." + IpxeBuild.MARKER + ".....").getBytes(StandardCharsets.ISO_8859_1));
        IpxeBuild.check(ok);
        Path plain = dir.resolve("ipxe.efi");
        Files.write(plain, "MZ..... Debian's, no script".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> IpxeBuild.check(plain)).hasMessageContaining("embedded script");
        Path notEfi = dir.resolve("other.efi");
        Files.writeString(notEfi, "#!ipxe " + IpxeBuild.MARKER);
        assertThatThrownBy(() -> IpxeBuild.check(notEfi)).hasMessageContaining("not an EFI executable");
        assertThatThrownBy(() -> IpxeBuild.check(dir.resolve("undionly.kpxe"))).hasMessageContaining("did not make");
        Path bios = dir.resolve("undionly.kpxe");
        Files.writeString(bios, "compressed");
        IpxeBuild.check(bios); // compressed: the script cannot be seen, present is enough
    }

    @Test
    void withoutASourceThereIsNoBuildAndTheLogSaysWhatThatCosts() throws Exception {
        List<String> log = new ArrayList<>();
        Map<String, Boolean> cached = new HashMap<>();
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), log::add)) {
            assertThat(IpxeBuild.none().build(cache, log::add, cached)).isNull();
        }
        assertThat(log).anyMatch(l -> l.contains("Debian's iPXE") && l.contains("15 s for DHCPv4") && l.contains("--ipxe-source"));
        assertThat(cached).doesNotContainKey("ipxe");
    }

    private void tree() throws Exception {
        Files.createDirectories(dir.resolve("src/config"));
        Files.createDirectories(dir.resolve("src/net"));
        Files.writeString(dir.resolve("src/Makefile"), "all:\n");
        Files.writeString(dir.resolve("src/config/general.h"), "#undef NET_PROTO_IPV6\n");
        Files.writeString(dir.resolve("src/net/ndp.c"), "/* ndp */\n");
    }

    private static int indexOf(List<String> lines, String line) {
        return lines.indexOf(line);
    }
}
