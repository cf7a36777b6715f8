package io.kubermesh.addressing.site;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One YAML mapping of the site inventory, read with its path in every error: unknown fields are
 * rejected with the list of known ones, and each read is a vavr {@link Validation} so a section
 * collects all its problems. (The cluster file's reader is package-private to its own package; the
 * inventory needs lists of mappings and references it does not, so it has its own.)
 */
final class SiteFields {
    private final String path;
    private final JsonNode node;

    private SiteFields(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    static Validation<List<Problem>, SiteFields> of(String path, JsonNode node, Set<String> known) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Validation.valid(new SiteFields(path, null));
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
        return problems.isEmpty() ? Validation.valid(new SiteFields(path, node)) : Validation.invalid(problems);
    }

    String path(String field) {
        return path + "." + field;
    }

    String path() {
        return path;
    }

    JsonNode get(String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    /** A string field; {@code fallback} null makes it required. */
    Validation<List<Problem>, String> string(String field, String fallback) {
        JsonNode v = get(field);
        if (v == null) {
            return fallback == null ? invalid(path(field), null, "a value (this field is required)") : Validation.valid(fallback);
        }
        if (!v.isTextual() && !v.isNumber()) {
            return invalid(path(field), v, "a string");
        }
        return Validation.valid(v.asText());
    }

    static <T> Validation<List<Problem>, T> attempt(Supplier<T> build) {
        try {
            return Validation.valid(build.get());
        } catch (ConfigurationException e) {
            return Validation.invalid(List.ofAll(e.problems()));
        }
    }

    static <T> Validation<List<Problem>, T> invalid(String path, JsonNode value, String expected) {
        return Validation.invalid(List.of(new Problem(path, value == null ? null : text(value), expected)));
    }

    static String text(JsonNode v) {
        if (v == null) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
