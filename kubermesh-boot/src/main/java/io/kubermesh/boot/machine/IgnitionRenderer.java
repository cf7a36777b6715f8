package io.kubermesh.boot.machine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * Renders a machine's Ignition v3 config (spec version {@value #VERSION}): the profile's files,
 * units and users, plus the machine's own files: its hostname, its identity, its join token, the
 * URL it phones home to (with its per-boot secret) and the credentials its {@link Enrolment}
 * gives it, each of those mode 0600. File contents are RFC 2397 {@code data:} URLs.
 */
public final class IgnitionRenderer {
    public static final String VERSION = "3.4.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private IgnitionRenderer() {
    }

    /** Where the installer finds the URL it phones home to, {@code POST} {@code {"state":"installed"}}. */
    public static final String PHONE_HOME_FILE = "/etc/kubermesh/phone-home";
    private static final int PRIVATE = 0600;

    /** Without credentials or phone-home URL (profiles shown to an operator, tests). */
    public static String render(Profile profile, Machine machine, MachineSecrets secrets) {
        return render(profile, machine, secrets, java.util.List.of(), null);
    }

    /**
     * @param credentials the enrolment's files for this machine, written mode 0600 whatever mode they name
     * @param phoneHome the machine's phone-home URL with its boot secret, or {@code null}
     */
    public static String render(Profile profile, Machine machine, MachineSecrets secrets,
                                java.util.List<Ignition.File> credentials, String phoneHome) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("ignition").put("version", VERSION);
        ArrayNode files = root.putObject("storage").putArray("files");
        String host = "km-" + machine.mac().toString().replace(":", "");
        file(files, new Ignition.File("/etc/hostname", 0644, host + "\n"));
        file(files, new Ignition.File("/etc/kubermesh/machine.env", 0644,
                "KUBERMESH_MAC=" + machine.mac() + "\nKUBERMESH_PORT=" + machine.port() + "\n"));
        file(files, new Ignition.File("/etc/kubermesh/join-token", PRIVATE, secrets.joinToken() + "\n"));
        if (phoneHome != null) {
            file(files, new Ignition.File(PHONE_HOME_FILE, PRIVATE, phoneHome + "\n"));
        }
        for (Ignition.File c : credentials) {
            file(files, new Ignition.File(c.path(), PRIVATE, c.contents()));
        }
        for (Ignition.File f : profile.ignition().files()) {
            file(files, f);
        }
        ArrayNode units = root.putObject("systemd").putArray("units");
        for (Ignition.Unit u : profile.ignition().units()) {
            ObjectNode n = units.addObject().put("name", u.name()).put("enabled", u.enabled());
            if (!u.contents().isEmpty()) {
                n.put("contents", u.contents());
            }
        }
        ArrayNode users = root.putObject("passwd").putArray("users");
        for (Ignition.User u : profile.ignition().users()) {
            ArrayNode keys = users.addObject().put("name", u.name()).putArray("sshAuthorizedKeys");
            u.sshAuthorizedKeys().forEach(keys::add);
        }
        return root.toPrettyString();
    }

    private static void file(ArrayNode files, Ignition.File f) {
        files.addObject().put("path", f.path()).put("mode", f.mode()).put("overwrite", true)
                .putObject("contents").put("source", dataUrl(f.contents()));
    }

    /** RFC 2397 {@code data:,} URL of {@code text} in UTF-8 ({@link #dataUrl(byte[])}). */
    static String dataUrl(String text) {
        return dataUrl(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * RFC 2397 {@code data:,} URL with everything but unreserved characters percent-encoded: how
     * the boot services and the node's own Ignition config ({@code IgnitionConfig.render}) write
     * file contents.
     */
    public static String dataUrl(byte[] data) {
        StringBuilder b = new StringBuilder("data:,");
        for (byte x : data) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
