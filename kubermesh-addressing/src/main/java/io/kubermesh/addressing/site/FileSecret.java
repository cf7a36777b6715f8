package io.kubermesh.addressing.site;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.BmcSecret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A password in a file that only its owner may read (mode 0600 or 0400), like ssh refuses a
 * private key others can read. The mode is checked when the inventory is read and again each time
 * the secret is read; the file holds the password alone, one trailing newline ignored.
 */
final class FileSecret implements BmcSecret {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final String path;
    private final Path file;

    FileSecret(String path, Path file) {
        this.path = path;
        this.file = file;
    }

    /** Checks the file exists, is a regular file and is private to its owner. */
    void check() {
        Set<PosixFilePermission> mode;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException(path, file.toString(), Files.exists(file)
                        ? "a regular file holding the password" : "an existing file holding the password");
            }
            mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(path, file.toString(), "an existing file holding the password");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigurationException(path, file.toString(), "a readable password file (" + e.getMessage() + ")");
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.retainAll(OTHERS);
        if (!open.isEmpty()) {
            throw new ConfigurationException(path, file.toString(), "a file only its owner can read; it has mode "
                    + PosixFilePermissions.toString(mode) + ", so group or others can read the BMC password: run chmod 600 "
                    + file);
        }
    }

    @Override
    public char[] reveal() {
        check();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigurationException(path, file.toString(), "a readable password file (" + e.getMessage() + ")");
        }
        try {
            int n = bytes.length;
            if (n > 0 && bytes[n - 1] == '\n') {
                n--;
            }
            if (n > 0 && bytes[n - 1] == '\r') {
                n--;
            }
            if (n == 0) {
                throw new ConfigurationException(path, file.toString(), "a file holding the password; it is empty");
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, n));
            char[] out = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public String reference() {
        return "file " + file;
    }

    @Override
    public String toString() {
        return reference();
    }
}
