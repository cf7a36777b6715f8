package io.kubermesh.boot.tftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The directory a TFTP server is confined to. A request names a relative path of plain segments;
 * it is refused when it is empty, absolute, holds {@code ..}, a backslash, a NUL or a control
 * character, is longer than {@link #MAX_NAME} octets, or resolves (symlinks followed) to anything
 * outside the root or to anything but a regular file (no directories, devices or FIFOs).
 */
public final class TftpRoot {
    /** Longest file name accepted, in octets; longer names are refused before touching the disk. */
    public static final int MAX_NAME = 255;

    private final Path root;

    /** @param directory an existing directory; symlinks in its own path are resolved once here */
    public TftpRoot(Path directory) {
        try {
            this.root = directory.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("TFTP root " + directory + " does not exist: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("TFTP root " + directory + " is not a directory");
        }
    }

    public Path directory() {
        return root;
    }

    /** The outcome of resolving a request: a readable regular file, or an RFC 1350 error to send. */
    public sealed interface Resolution {
        /** The file to serve. */
        record Found(Path file, long size) implements Resolution {
        }

        /** The request is refused with this error code and message. */
        record Refused(int code, String message) implements Resolution {
        }
    }

    /** Resolves {@code name} from a request. Never throws: every refusal is a {@link Resolution.Refused}. */
    public Resolution resolve(String name) {
        String why = syntaxProblem(name);
        if (why != null) {
            return new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "access violation: " + why);
        }
        try {
            Path candidate = root.resolve(name).normalize();
            if (!candidate.startsWith(root)) {
                return new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "access violation: outside the root");
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return new Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "file not found");
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(root)) {
                return new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "access violation: a link out of the root");
            }
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "access violation: not a regular file");
            }
            if (!Files.isReadable(real)) {
                return new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "access violation: not readable");
            }
            return new Resolution.Found(real, Files.size(real));
        } catch (IOException | InvalidPathException | SecurityException e) {
            return new Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "file not found");
        }
    }

    /** Why {@code name} can never name a file under the root, or null when it may. */
    static String syntaxProblem(String name) {
        if (name.isEmpty()) {
            return "empty file name";
        }
        if (name.length() > MAX_NAME) {
            return "file name longer than " + MAX_NAME + " octets";
        }
        if (name.startsWith("/")) {
            return "absolute path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "control character 0x" + Integer.toHexString(c);
            }
            if (c == '\\') {
                return "backslash";
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..")) {
                return "'..' segment";
            }
        }
        return null;
    }
}
