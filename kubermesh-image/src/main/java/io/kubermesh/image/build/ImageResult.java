package io.kubermesh.image.build;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a build produced.
 *
 * @param output the output directory
 * @param usbImage {@code OUTPUT/usb.img}
 * @param netboot {@code OUTPUT/netboot}: {@code kubermesh/vmlinuz}, {@code kubermesh/initrd.img} (an assets
 *     directory for the boot services) and {@code ipxe/} (a TFTP root)
 * @param manifest {@code OUTPUT/manifest.json}
 * @param seconds wall-clock seconds per step ({@code root}, {@code java}, {@code loaders}, {@code agent}, {@code netboot}, {@code usb}, {@code manifest}, {@code total})
 * @param cached for each cached layer whether the cache had it
 */
public record ImageResult(Path output, Path usbImage, Path netboot, Path manifest, Map<String, Double> seconds,
                          Map<String, Boolean> cached) {
    public ImageResult {
        seconds = Map.copyOf(seconds);
        cached = Map.copyOf(cached);
    }

    public Path kernel() {
        return netboot.resolve(EspContents.KERNEL);
    }

    public Path initrd() {
        return netboot.resolve(EspContents.INITRD);
    }

    public Path loaders() {
        return netboot.resolve("ipxe");
    }
}
