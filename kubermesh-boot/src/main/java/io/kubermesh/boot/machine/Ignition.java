package io.kubermesh.boot.machine;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an Ignition v3 config a profile declares (spec 3.4.0): files, systemd units and
 * users. {@link IgnitionRenderer} turns it, plus the machine's own facts and secrets, into JSON.
 */
public record Ignition(List<File> files, List<Unit> units, List<User> users) {
    public static final Ignition EMPTY = new Ignition(List.of(), List.of(), List.of());

    public Ignition {
        files = files == null ? List.of() : List.copyOf(files);
        units = units == null ? List.of() : List.copyOf(units);
        users = users == null ? List.of() : List.copyOf(users);
    }

    /** {@code storage.files[]}: an absolute path, a mode (decimal in JSON, e.g. 0644 = 420) and text contents. */
    public record File(String path, int mode, String contents) {
        public File {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(contents, "contents");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("an Ignition file path is absolute, got " + path);
            }
            if (mode < 0 || mode > 07777) {
                throw new IllegalArgumentException("file mode 0" + Integer.toOctalString(mode) + " out of range");
            }
        }
    }

    /** {@code systemd.units[]}. */
    public record Unit(String name, boolean enabled, String contents) {
        public Unit {
            Objects.requireNonNull(name, "name");
            contents = contents == null ? "" : contents;
        }
    }

    /** {@code passwd.users[]} with their SSH keys. */
    public record User(String name, List<String> sshAuthorizedKeys) {
        public User {
            Objects.requireNonNull(name, "name");
            sshAuthorizedKeys = sshAuthorizedKeys == null ? List.of() : List.copyOf(sshAuthorizedKeys);
        }
    }
}
