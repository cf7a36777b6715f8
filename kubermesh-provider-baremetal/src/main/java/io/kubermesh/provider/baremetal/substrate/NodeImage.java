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
 * copy of them in its agent's state directory when it is deployed (the image is checked then, not
 * when a command attaches to a running site, so {@code down} works whatever became of it).
 */
record NodeImage(Path netboot) {
    static final List<String> FILES = List.of("vmlinuz", "initrd.img");

    /** The image in {@code dir}, or a configuration error naming what is missing. */
    static NodeImage of(String dir) {
        Path netboot = Path.of(dir).toAbsolutePath().resolve("netboot");
        for (String f : FILES) {
            if (!Files.isRegularFile(netboot.resolve("kubermesh").resolve(f))) {
                throw new ConfigurationException(SubstrateConfig.NODE_IMAGE, dir, "the output directory of `kubermesh image build "
                        + "--output DIR`; this one has no netboot/kubermesh/" + f + ": build the image again, or leave -O "
                        + SubstrateConfig.NODE_IMAGE + " out and `up` builds one");
            }
        }
        return new NodeImage(netboot);
    }

    /** Where, under the gateway agent's state directory, the image's loaders are copied: its TFTP root. */
    static final String TFTP = "boot/tftp";

    /**
     * Copies the kernel and initrd into the agent's assets ({@code STATE/boot/assets/kubermesh/})
     * and the image's loaders, if it has any, into {@code STATE/}{@value #TFTP}: the gateway serves
     * its own copies, so the image directory may be rebuilt or removed while the site runs. Each
     * file is written whole or not at all.
     */
    void install(Path state) {
        try {
            Path assets = Files.createDirectories(state.resolve(io.kubermesh.agent.BootPorts.ASSETS).resolve("kubermesh"));
            for (String f : FILES) {
                copy(netboot.resolve("kubermesh").resolve(f), assets.resolve(f));
            }
            Path loaders = netboot.resolve("ipxe");
            if (Files.isDirectory(loaders)) {
                try (var files = Files.walk(loaders)) {
                    for (Path from : files.filter(Files::isRegularFile).toList()) {
                        Path to = state.resolve(TFTP).resolve(loaders.relativize(from).toString());
                        Files.createDirectories(to.getParent());
                        copy(from, to);
                    }
                }
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot copy the node image of " + netboot.getParent() + " for the gateway's boot services into "
                    + state + ": " + e, e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".partial");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (var c = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
