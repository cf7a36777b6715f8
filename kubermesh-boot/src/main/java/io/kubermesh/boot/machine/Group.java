package io.kubermesh.boot.machine;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A matchbox-style group: machines whose facts match every selector get the profile. Selectors
 * are {@code mac}, {@code uuid}, {@code arch}, {@code serial} and {@code port}; a group with
 * none matches everything (the default). Among matching groups the one with most selectors wins.
 */
public record Group(String id, String profile, Map<String, String> selectors) {
    /** The fact names a selector may use. */
    public static final Set<String> KEYS = Set.of("mac", "uuid", "arch", "serial", "port");

    public Group {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(profile, "profile");
        selectors = selectors == null ? Map.of() : Map.copyOf(selectors);
        for (String k : selectors.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("group " + id + ": unknown selector " + k + ", valid: " + KEYS);
            }
        }
    }

    /** True when every selector equals the fact of that name (case-insensitive). */
    public boolean matches(Map<String, String> facts) {
        for (Map.Entry<String, String> s : selectors.entrySet()) {
            String fact = facts.get(s.getKey());
            if (fact == null || !fact.equalsIgnoreCase(s.getValue())) {
                return false;
            }
        }
        return true;
    }
}
