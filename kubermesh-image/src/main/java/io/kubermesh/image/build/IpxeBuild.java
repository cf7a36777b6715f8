package io.kubermesh.image.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * kubermesh's IPv6-first iPXE, built from Debian's ipxe source package with an embedded script
 * that configures IPv6 only and chains the boot file DHCPv6 named. Not built yet: {@link #build}
 * returns null and the image serves Debian's loaders.
 */
final class IpxeBuild {
    static IpxeBuild standard() {
        return new IpxeBuild();
    }

    /** The directory holding the built loaders, or null when there is no build. */
    Path build(LayerCache cache, Consumer<String> log, Map<String, Boolean> cached) throws IOException {
        return null;
    }
}
