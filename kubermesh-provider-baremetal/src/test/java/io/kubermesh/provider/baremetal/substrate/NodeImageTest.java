package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeImageTest {
    @TempDir
    Path dir;

    @Test
    void theGatewayGetsItsOwnCopyOfTheKernelInitrdAndLoaders() throws Exception {
        Path image = dir.resolve("image");
        Files.createDirectories(image.resolve("netboot/kubermesh"));
        Files.createDirectories(image.resolve("netboot/ipxe/debian"));
        Files.writeString(image.resolve("netboot/kubermesh/vmlinuz"), "kernel");
        Files.writeString(image.resolve("netboot/kubermesh/initrd.img"), "initrd");
        Files.writeString(image.resolve("netboot/ipxe/snponly.efi"), "ours");
        Files.writeString(image.resolve("netboot/ipxe/debian/snponly.efi"), "debian's");
        Path state = dir.resolve("state");

        NodeImage.of(image.toString()).install(state);
        // the image may go away now: the gateway serves its copies
        assertThat(state.resolve("boot/assets/kubermesh/vmlinuz")).hasContent("kernel");
        assertThat(state.resolve("boot/assets/kubermesh/initrd.img")).hasContent("initrd");
        assertThat(state.resolve(NodeImage.TFTP).resolve("snponly.efi")).hasContent("ours");
        assertThat(state.resolve(NodeImage.TFTP).resolve("debian/snponly.efi")).hasContent("debian's");
        try (var left = Files.walk(state)) {
            assertThat(left.map(Path::toString)).noneMatch(p -> p.endsWith(".partial"));
        }
        // deployed again: replaced whole
        Files.writeString(image.resolve("netboot/kubermesh/initrd.img"), "initrd 2");
        NodeImage.of(image.toString()).install(state);
        assertThat(state.resolve("boot/assets/kubermesh/initrd.img")).hasContent("initrd 2");
    }

    @Test
    void aDirectoryWithoutTheNetbootFilesIsRefusedNamingTheOption() throws Exception {
        Files.createDirectories(dir.resolve("empty/netboot/kubermesh"));
        Files.writeString(dir.resolve("empty/netboot/kubermesh/vmlinuz"), "kernel");
        assertThatThrownBy(() -> NodeImage.of(dir.resolve("empty").toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("image").hasMessageContaining("netboot/kubermesh/initrd.img")
                .hasMessageContaining("build the image again, or leave -O image out");
        assertThatThrownBy(() -> NodeImage.of(dir.resolve("nothing").toString())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("netboot/kubermesh/vmlinuz");
    }
}
