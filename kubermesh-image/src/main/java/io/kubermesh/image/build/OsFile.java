package io.kubermesh.image.build;

import java.util.Objects;

/**
 * One file the image build writes into the node's root: a regular file with its mode and text, or
 * a symbolic link.
 *
 * @param path absolute path in the node's root
 * @param mode permission bits (ignored for links)
 * @param text the contents, or the target for a link
 * @param link true for a symbolic link
 */
public record OsFile(String path, int mode, String text, boolean link) {
    public OsFile {
        Objects.requireNonNull(text, "text");
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("/../")) {
            throw new IllegalArgumentException("an image path is absolute and plain: " + path);
        }
    }

    public static OsFile file(String path, int mode, String text) {
        return new OsFile(path, mode, text, false);
    }

    public static OsFile symlink(String path, String target) {
        return new OsFile(path, 0777, target, true);
    }
}
