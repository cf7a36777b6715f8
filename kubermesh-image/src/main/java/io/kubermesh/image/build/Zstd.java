package io.kubermesh.image.build;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.image.internal.Command;
import io.kubermesh.image.internal.Tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code zstd} process compressing what is written to it into a file. zstd because the Debian
 * kernel unpacks zstd initramfs archives ({@code CONFIG_RD_ZSTD}) several times faster than xz,
 * which matters most under TCG; its default window (at most 8 MiB up to level 19) is one the
 * kernel's decompressor accepts.
 */
final class Zstd implements AutoCloseable {
    private final Process process;
    private final Path errors;
    private final OutputStream in;
    private boolean closed;

    private Zstd(Process process, Path errors) {
        this.process = process;
        this.errors = errors;
        this.in = new java.io.BufferedOutputStream(process.getOutputStream(), 1 << 16);
    }

    /** Starts {@code zstd -LEVEL -T0} writing {@code out}. */
    static Zstd to(Path out, int level) {
        Tools.require(List.of(HostRequirements.ZSTD));
        try {
            Path err = Files.createTempFile("kmimg-zstd", ".log");
            Process p = HostRequirements.ZSTD.args("-q", "-f", "-T0", "-" + level, "-o", out.toString()).processBuilder()
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return new Zstd(p, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    OutputStream stream() {
        return in;
    }

    /** Closes the input and waits for zstd; fails when it did. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new KubermeshException("zstd failed: " + Files.readString(errors).strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KubermeshException("zstd interrupted");
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** Decompresses {@code file} (all its frames) into a stream; used to read an initrd back. */
    static Command.Running decompress(Path file) {
        return Command.of(HostRequirements.ZSTD.args("-q", "-d", "-c", file.toString())).startReading();
    }
}
