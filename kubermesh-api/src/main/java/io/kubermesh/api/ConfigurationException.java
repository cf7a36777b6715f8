package io.kubermesh.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Invalid input: a configuration field, a command-line value, an address that does not parse.
 * Every problem names the field's path ({@code cluster.ipv6.prefix}), the value given and what
 * would be valid; one exception may carry several problems so an operator fixes them all at once.
 */
public final class ConfigurationException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    /** One thing wrong with the input. */
    public record Problem(String path, String value, String expected) {
        public Problem {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("a problem needs the path of the field");
            }
            expected = expected == null ? "" : expected;
        }

        @Override
        public String toString() {
            return path + ": " + (value == null ? "missing" : "'" + value + "'")
                    + (expected.isEmpty() ? "" : " — " + expected);
        }
    }

    private final transient List<Problem> problems;

    public ConfigurationException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String path, String value, String expected) {
        this(List.of(new Problem(path, value, expected)));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The same problems with {@code prefix.} put in front of every path. */
    public ConfigurationException under(String prefix) {
        return new ConfigurationException(problems.stream()
                .map(p -> new Problem(prefix + "." + p.path(), p.value(), p.expected()))
                .collect(Collectors.toList()));
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        return problems.size() + " problems:\n  " + problems.stream().map(Problem::toString)
                .collect(Collectors.joining("\n  "));
    }
}
