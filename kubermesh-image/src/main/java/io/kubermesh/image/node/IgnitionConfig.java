package io.kubermesh.image.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.api.ConfigurationException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The part of an Ignition v3 config (spec 3.x) a kubermesh node applies itself: {@code
 * storage.files} with inline {@code data:} contents, {@code systemd.units} and
 * {@code passwd.users}. The boot services render it ({@code IgnitionRenderer}); the image build
 * renders the first machine's with {@link #render()}. A file fetched from elsewhere than the
 * config itself ({@code http:} sources), an unknown major version or a malformed document is an
 * error naming the field: the node does not half-apply a config.
 */
public record IgnitionConfig(List<File> files, List<Unit> units, List<User> users) {
    public static final String VERSION = "3.4.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    public IgnitionConfig {
        files = List.copyOf(files);
        units = List.copyOf(units);
        users = List.copyOf(users);
    }

    /** A file: absolute path, permission bits, contents. */
    public record File(String path, int mode, byte[] contents) {
        public File {
            Objects.requireNonNull(contents, "contents");
            if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.contains("\0")) {
                throw new ConfigurationException("storage.files[].path", String.valueOf(path), "an absolute path without ..");
            }
            if (mode < 0 || mode > 07777) {
                throw new ConfigurationException("storage.files[].mode", Integer.toString(mode), "0..07777 (decimal in JSON)");
            }
        }

        public String text() {
            return new String(contents, StandardCharsets.UTF_8);
        }
    }

    /** A systemd unit: name, whether enabled, contents (empty: only enable or disable the named unit). */
    public record Unit(String name, boolean enabled, String contents) {
        public Unit {
            if (name == null || !name.matches("[A-Za-z0-9:_.@-]+\\.(service|timer|target|socket|mount|path)")) {
                throw new ConfigurationException("systemd.units[].name", String.valueOf(name), "a unit file name like x.service");
            }
            contents = contents == null ? "" : contents;
        }
    }

    /** A user and its SSH keys. */
    public record User(String name, List<String> sshAuthorizedKeys) {
        public User {
            sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
        }
    }

    /** Parses a config; every problem is a {@link ConfigurationException} naming its field. */
    public static IgnitionConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new ConfigurationException("ignition", abbreviate(json), "a JSON Ignition config (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("ignition", abbreviate(json), "a JSON object");
        }
        String version = root.path("ignition").path("version").asText("");
        if (!version.startsWith("3.")) {
            throw new ConfigurationException("ignition.version", version, "3.x (Ignition spec 3)");
        }
        List<File> files = new ArrayList<>();
        int i = 0;
        for (JsonNode f : root.path("storage").path("files")) {
            String at = "storage.files[" + i++ + "]";
            String source = f.path("contents").path("source").asText("");
            files.add(new File(f.path("path").asText(null), f.path("mode").asInt(0644), dataUrl(source, at + ".contents.source")));
        }
        List<Unit> units = new ArrayList<>();
        for (JsonNode u : root.path("systemd").path("units")) {
            units.add(new Unit(u.path("name").asText(null), u.path("enabled").asBoolean(false), u.path("contents").asText("")));
        }
        List<User> users = new ArrayList<>();
        for (JsonNode u : root.path("passwd").path("users")) {
            List<String> keys = new ArrayList<>();
            u.path("sshAuthorizedKeys").forEach(k -> keys.add(k.asText()));
            users.add(new User(u.path("name").asText(""), keys));
        }
        return new IgnitionConfig(files, units, users);
    }

    /** The config as Ignition spec {@value #VERSION} JSON, file contents as percent-encoded {@code data:,} URLs. */
    public String render() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("ignition").put("version", VERSION);
        ArrayNode fs = root.putObject("storage").putArray("files");
        for (File f : files) {
            fs.addObject().put("path", f.path()).put("mode", f.mode()).put("overwrite", true)
                    .putObject("contents").put("source", encode(f.contents()));
        }
        ArrayNode us = root.putObject("systemd").putArray("units");
        for (Unit u : units) {
            ObjectNode n = us.addObject().put("name", u.name()).put("enabled", u.enabled());
            if (!u.contents().isEmpty()) {
                n.put("contents", u.contents());
            }
        }
        ArrayNode ps = root.putObject("passwd").putArray("users");
        for (User u : users) {
            ArrayNode keys = ps.addObject().put("name", u.name()).putArray("sshAuthorizedKeys");
            u.sshAuthorizedKeys().forEach(keys::add);
        }
        return root.toPrettyString() + "\n";
    }

    /** RFC 2397: {@code data:[mediatype][;base64],payload}, percent-decoded unless base64. */
    static byte[] dataUrl(String url, String at) {
        if (!url.startsWith("data:")) {
            throw new ConfigurationException(at, abbreviate(url), "an inline data: URL (a node fetches nothing else)");
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw new ConfigurationException(at, abbreviate(url), "data:[;base64],payload");
        }
        String meta = url.substring(5, comma);
        String payload = url.substring(comma + 1);
        if (meta.endsWith(";base64")) {
            try {
                return Base64.getDecoder().decode(payload);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(at, abbreviate(url), "valid base64 after ;base64,");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c == '%') {
                if (i + 2 >= payload.length()) {
                    throw new ConfigurationException(at, abbreviate(url), "%XX escapes with two hex digits");
                }
                int hi = Character.digit(payload.charAt(i + 1), 16);
                int lo = Character.digit(payload.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new ConfigurationException(at, abbreviate(url), "%XX escapes with two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, as the boot services do. */
    static String encode(byte[] data) {
        return io.kubermesh.boot.machine.IgnitionRenderer.dataUrl(data);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
