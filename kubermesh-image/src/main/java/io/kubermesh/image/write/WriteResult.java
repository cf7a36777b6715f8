package io.kubermesh.image.write;

/**
 * A write that was read back and matched.
 *
 * @param bytes  octets written (the image's size)
 * @param sha256 the image's SHA-256 in lower-case hex, equal to that of what was read back
 */
public record WriteResult(long bytes, String sha256) {
}
