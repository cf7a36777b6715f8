package io.kubermesh.image.write;

import java.nio.file.Path;

/**
 * Where {@code image write} will write, as checked: a whole block device or a regular file.
 *
 * @param path      the device or file (symbolic links resolved)
 * @param block     true for a block device
 * @param name      the kernel's name of the device ({@code sdb}, {@code loop3}); for a file, "" or
 *                  the loop device it backs
 * @param model     vendor and model as sysfs gives them, or ""
 * @param bytes     the device's capacity; for a file, -1 (it grows)
 * @param removable the kernel marks the device removable (a USB stick, an SD card)
 */
public record WriteTarget(Path path, boolean block, String name, String model, long bytes, boolean removable) {
    /** One line for the confirmation question: {@code /dev/sdb (SanDisk Ultra, 29.8 GiB, removable)}. */
    public String describe() {
        if (!block) {
            return path + " (a regular file)";
        }
        return path + " (" + (model.isEmpty() ? name : model) + ", " + ImageWriter.size(bytes)
                + (removable ? ", removable" : "") + ")";
    }
}
