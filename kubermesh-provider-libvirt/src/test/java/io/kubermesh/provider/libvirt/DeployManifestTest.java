package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.SubstrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployManifestTest {
    @TempDir
    Path dir;

    @Test
    void theClusterFilesHashIsReadFromTheManifest() throws Exception {
        // sha256("name: lab\n"), as `sha256sum` gives it
        String sha = DeployManifest.sha256("name: lab\n");
        assertThat(sha).isEqualTo("a47cc50c61314ef9a0947d26de8d184b2253c4ef5d8838218a651fdbd093a8c1");
        Path m = Files.writeString(dir.resolve("manifest.json"), "{\"format\": 1, \"cluster\": {\"sha256\": \"" + sha + "\"}}");
        assertThat(DeployManifest.clusterSha256(m)).isEqualTo(sha);
    }

    @Test
    void aMissingManifestSaysTheImageCannotBeTold() {
        assertThatThrownBy(() -> DeployManifest.clusterSha256(dir.resolve("manifest.json"))).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("no " + dir.resolve("manifest.json")).hasMessageContaining("which cluster file");
    }

    @Test
    void anOlderManifestWithoutTheClusterAsksForANewBuild() throws Exception {
        Path m = Files.writeString(dir.resolve("manifest.json"), "{\"format\": 1, \"usb\": {}}");
        assertThatThrownBy(() -> DeployManifest.clusterSha256(m)).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("no cluster.sha256").hasMessageContaining("kubermesh image build --config");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"cluster\": {\"sha256\": \"../../etc\"}}");
        assertThatThrownBy(() -> DeployManifest.clusterSha256(bad)).hasMessageContaining("no cluster.sha256");
    }

    @Test
    void aFileThatIsNotJsonIsNamed() throws Exception {
        Path m = Files.writeString(dir.resolve("manifest.json"), "usb.img\0\0");
        assertThatThrownBy(() -> DeployManifest.clusterSha256(m)).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("is not a kubermesh image manifest");
    }
}
