package io.kubermesh.provider.baremetal;

import io.kubermesh.addressing.site.SiteConfig;
import io.kubermesh.addressing.site.SiteInventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Site inventories for the ITs, written the way an operator would: passwords in 0600 files. */
public final class Sites {
    private Sites() {
    }

    /** Writes {@code password} to {@code dir/name} with mode 0600 and returns the file. */
    public static Path passwordFile(Path dir, String name, String password) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, password + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    /** Writes {@code yaml} as {@code dir/site.yaml} and reads it back through the real parser. */
    public static SiteInventory write(Path dir, String yaml) throws IOException {
        Path site = dir.resolve("site.yaml");
        Files.writeString(site, yaml);
        return SiteConfig.load(site);
    }
}
