package io.kubermesh.routing.daemon.internal;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.routing.daemon.RoutingDaemonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/** A node's daemon state directory: created, optionally handed to the daemon's user, written atomically. */
public final class StateDirectory {
    private StateDirectory() {
    }

    /** Creates {@code dir} and, when {@code user} is not null, gives it to that user and group. */
    public static void prepare(Path dir, String user, String debianPackage) {
        try {
            Files.createDirectories(dir);
            if (user != null) {
                chown(dir, user, debianPackage);
            }
        } catch (IOException e) {
            throw new RoutingDaemonException("cannot prepare the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code text} to {@code file} through a temporary file and a rename, owned by
     * {@code user} if not null. The file is 0600 from its creation on: a daemon's configuration
     * may hold the routing key.
     */
    public static void write(Path file, String text, String user, String debianPackage) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (user != null) {
                chown(tmp, user, debianPackage);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RoutingDaemonException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void chown(Path path, String user, String debianPackage) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        try {
            UserPrincipal owner = lookup.lookupPrincipalByName(user);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(owner);
            view.setGroup(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new EnvironmentException("the user " + user + " does not exist", "apt-get install -y " + debianPackage);
        }
    }
}
