package io.kubermesh.addressing.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading one YAML mapping with paths in every error: defaults for absent fields, unknown fields
 * rejected with the list of known ones. Each read returns a vavr {@link Validation} so a section
 * collects all of its problems before the spec is built. Shared by the cluster file and the site
 * inventory ({@code io.kubermesh.addressing.site}), so both report problems the same way.
 */
public final class Fields {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String path;
    private final JsonNode node;

    private Fields(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    /**
     * The text of the file an option names; a missing or unreadable file is refused as the value
     * of {@code option}, with {@code expected} saying what it should be.
     */
    public static String readFile(Path file, String option, String expected) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(option, file.toString(), "an existing " + expected);
        } catch (IOException e) {
            throw new ConfigurationException(option, file.toString(), "a readable " + expected + " (" + e.getMessage() + ")");
        }
    }

    /**
     * The YAML tree of {@code yaml}; text that does not parse is refused at {@code what} with the
     * line and column. Empty text gives null (or a missing node).
     */
    public static JsonNode readYaml(String yaml, String what, String source) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ConfigurationException(what, source, "valid YAML; it does not parse" + where + ": "
                    + e.getOriginalMessage());
        }
    }

    /** The mapping at {@code path}; a missing node reads as empty, so every field takes its default. */
    public static Validation<List<Problem>, Fields> of(String path, JsonNode node, Set<String> known) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Validation.valid(new Fields(path, null));
        }
        if (!node.isObject()) {
            return invalid(path, node, "a mapping with fields " + new TreeSet<>(known));
        }
        List<Problem> problems = List.empty();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                problems = problems.append(new Problem(path + "." + f, text(node.get(f)),
                        "unknown field; the fields of " + path + " are " + new TreeSet<>(known)));
            }
        }
        return problems.isEmpty() ? Validation.valid(new Fields(path, node)) : Validation.invalid(problems);
    }

    /** The path of one field of this mapping, for errors. */
    public String path(String field) {
        return path + "." + field;
    }

    /** The path of this mapping. */
    public String path() {
        return path;
    }

    /** A field's value; null when it is absent or YAML null. */
    public JsonNode get(String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** Whether the field is given (and not YAML null). */
    public boolean has(String field) {
        return get(field) != null;
    }

    /** A string field (a number is read as its text); {@code fallback} null makes it required. */
    public Validation<List<Problem>, String> string(String field, String fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback == null ? invalid(path(field), null, "a value (this field is required)") : Validation.valid(fallback);
        }
        if (!v.isValueNode() || v.isBoolean()) {
            return invalid(path(field), v, "a string");
        }
        return Validation.valid(v.asText());
    }

    Validation<List<Problem>, Integer> integer(String field, int fallback, int min, int max) {
        JsonNode v = get(field);
        if (v == null) {
            return Validation.valid(fallback);
        }
        Long parsed = null;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            parsed = v.asLong();
        } else if (v.isTextual()) {
            String t = v.asText().trim();
            try {
                parsed = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                parsed = null;
            }
        }
        if (parsed == null || parsed < min || parsed > max) {
            return invalid(path(field), v, "a whole number from " + min + " to " + max + " (decimal or 0x hex)");
        }
        return Validation.valid(parsed.intValue());
    }

    Validation<List<Problem>, Duration> duration(String field, Duration fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return Validation.valid(fallback);
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isTextual() || !m.matches()) {
            return invalid(path(field), v, "a duration with its unit, like 100ms, 1s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Validation.valid(Duration.ofMillis(n));
            case "s":
                return Validation.valid(Duration.ofSeconds(n));
            case "m":
                return Validation.valid(Duration.ofMinutes(n));
            default:
                return Validation.valid(Duration.ofHours(n));
        }
    }

    /** Parses a string field with {@code parser}, which throws ConfigurationException for bad values. */
    <T> Validation<List<Problem>, T> parsed(String field, String fallback, Function<String, T> parser) {
        return string(field, fallback).flatMap(s -> attempt(() -> parser.apply(s)));
    }

    /** The value {@code build} makes, or the problems of the ConfigurationException it throws. */
    public static <T> Validation<List<Problem>, T> attempt(java.util.function.Supplier<T> build) {
        try {
            return Validation.valid(build.get());
        } catch (io.kubermesh.api.ConfigurationException e) {
            return Validation.invalid(List.ofAll(e.problems()));
        }
    }

    /** One problem: the value at {@code path} is not what {@code expected} says. */
    public static <T> Validation<List<Problem>, T> invalid(String path, JsonNode value, String expected) {
        return Validation.invalid(List.of(new Problem(path, value == null ? null : text(value), expected)));
    }

    /** A value as an error shows it: a scalar's text, a mapping or list as JSON. */
    public static String text(JsonNode v) {
        if (v == null) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
