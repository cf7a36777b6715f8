package io.kubermesh.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iPXE build's contract with {@code make}, run for real on a stand-in source tree (the iPXE
 * sources are not available on a fresh machine; kubermesh-benchmarks' ipxe-bench.sh builds the real
 * one and boots it): the tree is copied, IPv6 is configured, the script is embedded, the four loaders
 * come back under their served names, the second build is the cache's, and a failed or script-less
 * build is an error. Needs make, gcc, perl and liblzma-dev (the test packages); without them the
 * build's own check says what to install.
 */
class IpxeBuildIT {
    /** Makes each loader as iPXE's Makefile would name it, from the EMBED script; fails without IPv6 configured. */
    private static final String MAKEFILE = """
            EFI := bin-x86_64-efi/snponly.efi bin-x86_64-efi/ipxe.efi
            BIOS := bin/undionly.kpxe bin/ipxe.lkrn
            $(EFI) $(BIOS): config/local/general.h
            \tgrep -q '^#define NET_PROTO_IPV6' config/local/general.h
            \tmkdir -p $(dir $@)
            \tprintf 'MZ' > $@
            \tcat $(EMBED) >> $@
            \t@echo "  [FINISH] $@"
            """;

    @TempDir
    Path dir;

    @Test
    void theLoadersAreBuiltFromACopyOfTheTreeWithTheScriptAndCachedByContent() throws Exception {
        Path source = tree(MAKEFILE);
        List<String> log = new ArrayList<>();
        Map<String, Boolean> cached = new HashMap<>();
        Path built;
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), log::add)) {
            built = IpxeBuild.from(source).build(cache, log::add, cached);
        }
        assertThat(cached).containsEntry("ipxe", false);
        for (String name : RootLayer.DEBIAN_LOADERS) {
            String content = Files.readString(built.resolve(name), StandardCharsets.ISO_8859_1);
            assertThat(content).as(name).startsWith("MZ#!ipxe").contains(IpxeBuild.MARKER).contains("ifconf --configurator ipv6");
        }
        assertThat(log).anyMatch(l -> l.contains("building kubermesh's IPv6-first iPXE from " + source))
                .anyMatch(l -> l.equals("loaders: built bin/undionly.kpxe"));
        assertThat(built.resolve("work")).doesNotExist();
        assertThat(source.resolve("src/config/local")).as("the operator's tree is not written to").doesNotExist();
        assertThat(source.resolve("src/bin")).doesNotExist();

        log.clear();
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), log::add)) {
            assertThat(IpxeBuild.from(source).build(cache, log::add, cached)).isEqualTo(built);
        }
        assertThat(cached).containsEntry("ipxe", true);
        assertThat(log).noneMatch(l -> l.contains("building"));

        Files.writeString(source.resolve("src/net/ndp.c"), "/* a patch */\n");
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), log::add)) {
            assertThat(IpxeBuild.from(source).build(cache, log::add, cached)).isNotEqualTo(built);
        }
        assertThat(cached).as("a changed source is built again").containsEntry("ipxe", false);
    }

    @Test
    void aFailedBuildSaysWhatMakeSaidAndLeavesNothingThatLooksBuilt() throws Exception {
        Path source = tree("""
                bin-x86_64-efi/snponly.efi bin-x86_64-efi/ipxe.efi bin/undionly.kpxe bin/ipxe.lkrn:
                \t@echo "net/ndp.c:42: error: a compiler error" >&2; exit 1
                """);
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), line -> { })) {
            assertThatThrownBy(() -> IpxeBuild.from(source).build(cache, line -> { }, new HashMap<>()))
                    .isInstanceOf(KubermeshException.class).hasMessageContaining("make")
                    .hasMessageContaining("net/ndp.c:42: error: a compiler error");
        }
        try (var layers = Files.list(dir.resolve("cache"))) {
            assertThat(layers.filter(p -> p.getFileName().toString().startsWith("ipxe-"))
                    .filter(p -> Files.exists(p.resolve(".complete")))).isEmpty();
        }
    }

    @Test
    void aBuildThatIgnoresTheScriptIsRefused() throws Exception {
        Path source = tree("""
                bin-x86_64-efi/snponly.efi bin-x86_64-efi/ipxe.efi bin/undionly.kpxe bin/ipxe.lkrn:
                \tmkdir -p $(dir $@)
                \tprintf 'MZ plain iPXE' > $@
                """);
        try (LayerCache cache = new LayerCache(dir.resolve("cache"), line -> { })) {
            assertThatThrownBy(() -> IpxeBuild.from(source).build(cache, line -> { }, new HashMap<>()))
                    .hasMessageContaining("does not carry kubermesh's embedded script");
        }
    }

    private Path tree(String makefile) throws Exception {
        Path source = dir.resolve("ipxe-1.0.0");
        Files.createDirectories(source.resolve("src/config"));
        Files.createDirectories(source.resolve("src/net"));
        Files.writeString(source.resolve("src/Makefile"), makefile);
        Files.writeString(source.resolve("src/config/general.h"), "#undef NET_PROTO_IPV6\n");
        Files.writeString(source.resolve("src/net/ndp.c"), "/* ndp */\n");
        return source;
    }
}
