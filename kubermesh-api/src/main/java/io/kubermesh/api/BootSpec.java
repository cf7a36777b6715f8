package io.kubermesh.api;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Parameters of the boot services every node runs on its ports: the HTTP port for iPXE scripts,
 * Ignition and assets; the boot file names by firmware; router advertisement and lease timing.
 */
public record BootSpec(int httpPort, String uefiBootFile, String biosBootFile, String arm64BootFile,
                       Duration routerAdvertisementInterval, Duration routerLifetime,
                       Duration preferredLifetime, Duration validLifetime) {
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public static final BootSpec DEFAULT = new BootSpec(8080, "snponly.efi", "undionly.kpxe", "snponly-arm64.efi",
            Duration.ofSeconds(10), Duration.ofSeconds(1800), Duration.ofSeconds(3600), Duration.ofSeconds(7200));

    public BootSpec {
        String at = "cluster.boot.";
        if (httpPort < 1 || httpPort > 65535) {
            throw new ConfigurationException(at + "httpPort", Integer.toString(httpPort), "a TCP port, 1..65535");
        }
        file(at + "uefiBootFile", uefiBootFile);
        file(at + "biosBootFile", biosBootFile);
        file(at + "arm64BootFile", arm64BootFile);
        if (routerAdvertisementInterval == null || routerAdvertisementInterval.toMillis() < 3000
                || routerAdvertisementInterval.getSeconds() > 1800) {
            throw new ConfigurationException(at + "routerAdvertisementInterval", String.valueOf(routerAdvertisementInterval),
                    "3s..1800s (RFC 4861 MinRtrAdvInterval/MaxRtrAdvInterval)");
        }
        if (routerLifetime == null || routerLifetime.getSeconds() > 9000 || routerLifetime.isNegative()) {
            throw new ConfigurationException(at + "routerLifetime", String.valueOf(routerLifetime), "0s..9000s (RFC 4861)");
        }
        if (preferredLifetime == null || validLifetime == null || preferredLifetime.isNegative()
                || validLifetime.compareTo(preferredLifetime) < 0 || validLifetime.isZero()) {
            throw new ConfigurationException(at + "validLifetime", String.valueOf(validLifetime),
                    "a positive lease lifetime no shorter than preferredLifetime " + preferredLifetime);
        }
    }

    private static void file(String path, String name) {
        if (name == null || !FILE.matcher(name).matches() || name.contains("..")) {
            throw new ConfigurationException(path, name, "a relative file name under the TFTP root, like snponly.efi");
        }
    }
}
