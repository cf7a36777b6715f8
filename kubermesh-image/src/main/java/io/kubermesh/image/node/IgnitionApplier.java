package io.kubermesh.image.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Applies an {@link IgnitionConfig} to a root directory the way Ignition's files stage would:
 * each file written whole with its mode (parents created 0755), each unit with contents written to
 * {@code /etc/systemd/system}, each enabled unit linked into {@code multi-user.target.wants}. A
 * path that leaves the root through a symbolic link is refused. Users are reported, not created:
 * the node OS has no SSH server and no passwords, so there is nothing a user entry could grant.
 */
public final class IgnitionApplier {
    private IgnitionApplier() {
    }

    /** What applying did, for the console and for the systemd steps that follow. */
    public record Applied(List<String> files, List<String> units, List<String> enabled, List<String> ignoredUsers) {
    }

    public static Applied apply(IgnitionConfig config, Path root) throws IOException {
        Path realRoot = root.toRealPath();
        List<String> files = new ArrayList<>();
        for (IgnitionConfig.File f : config.files()) {
            Path target = inside(realRoot, f.path());
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".ignition");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            Files.setPosixFilePermissions(tmp, permissions(f.mode() & 0777));
            Files.write(tmp, f.contents());
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            files.add(f.path() + " (0" + Integer.toOctalString(f.mode()) + ", " + f.contents().length + " octets)");
        }
        List<String> units = new ArrayList<>();
        List<String> enabled = new ArrayList<>();
        Path systemd = realRoot.resolve("etc/systemd/system");
        for (IgnitionConfig.Unit u : config.units()) {
            if (!u.contents().isEmpty()) {
                Files.createDirectories(systemd);
                Files.writeString(systemd.resolve(u.name()), u.contents());
                units.add(u.name());
            }
            if (u.enabled()) {
                Path wants = Files.createDirectories(systemd.resolve("multi-user.target.wants"));
                Path link = wants.resolve(u.name());
                Files.deleteIfExists(link);
                Path target = Files.exists(systemd.resolve(u.name())) ? Path.of("/etc/systemd/system", u.name())
                        : Path.of("/usr/lib/systemd/system", u.name());
                Files.createSymbolicLink(link, target);
                enabled.add(u.name());
            }
        }
        List<String> users = config.users().stream().map(IgnitionConfig.User::name).toList();
        return new Applied(files, units, enabled, users);
    }

    /**
     * Writes again the files of {@code config} below the directory {@code dir}: a partition
     * mounted there after the first {@link #apply} hides what it wrote (an installed node's
     * credentials under its state directory). Same checks and modes as {@link #apply}.
     *
     * @return the files written, as {@link Applied#files()} says them
     */
    public static List<String> reapplyUnder(IgnitionConfig config, String dir, Path root) throws IOException {
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        List<IgnitionConfig.File> under = config.files().stream().filter(f -> f.path().startsWith(prefix)).toList();
        return apply(new IgnitionConfig(under, List.of(), List.of()), root).files();
    }

    /** {@code path} below {@code root}, refusing one whose existing parents lead out of it. */
    static Path inside(Path root, String path) throws IOException {
        Path target = root.resolve(path.substring(1)).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IOException("Ignition path " + path + " leaves the root");
        }
        Path existing = target.getParent();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.toRealPath().startsWith(root)) {
            throw new IOException("Ignition path " + path + " leads out of the root through a link");
        }
        if (Files.isSymbolicLink(target)) {
            Files.delete(target);
        }
        return target;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(order[i]);
            }
        }
        return p;
    }
}
