package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.SubstrateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The node OS the gateway serves to the machines that netboot from it: the output directory of
 * {@code kubermesh image build} (option {@value SubstrateConfig#NODE_IMAGE}), whose
 * {@code netboot/kubermesh/} holds the kernel and initrd and {@code netboot/ipxe/} the boot
 * loaders. A node serves the OS it runs from its ESP; the gateway, which runs on this host, gets a
 * copy of the same two files in its agent's assets.
 */
record NodeImage(Path netboot) {
    static final List<String> FILES = List.of("vmlinuz", "initrd.img");

    /** The image in {@code dir}, or a configuration error naming what is missing. */
    static NodeImage of(String dir) {
        Path netboot = Path.of(dir).toAbsolutePath().resolve("netboot");
        for (String f : FILES) {
            if (!Files.isRegularFile(netboot.resolve("kubermesh").resolve(f))) {
                throw new ConfigurationException(SubstrateConfig.NODE_IMAGE, dir, "the output directory of `kubermesh image build`, "
                        + "with netboot/kubermesh/" + f + " (it has none)");
            }
        }
        return new NodeImage(netboot);
    }

    /** The loaders built with the image, served over TFTP instead of Debian's when present. */
    Path loaders() {
        return netboot.resolve("ipxe");
    }

    boolean hasLoaders() {
        try (var s = Files.list(loaders())) {
            return s.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false;
        }
    }

    /** Copies the kernel and initrd into {@code assets/kubermesh/} (the agent's state {@code boot/assets}), each whole or not at all. */
    void install(Path assets) {
        try {
            Path to = Files.createDirectories(assets.resolve("kubermesh"));
            for (String f : FILES) {
                Path tmp = to.resolve(f + ".partial");
                Files.copy(netboot.resolve("kubermesh").resolve(f), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, to.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot put the node image's netboot files into the gateway's boot assets " + assets + ": "
                    + e.getMessage(), e);
        }
    }
}
