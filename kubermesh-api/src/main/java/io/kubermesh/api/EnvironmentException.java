package io.kubermesh.api;

import java.util.Optional;

/**
 * The machine lacks something kubermesh needs: root, a kernel feature, a Debian package. Carries
 * the command that would install what is missing, when there is one.
 */
public final class EnvironmentException extends KubermeshException {
    private static final long serialVersionUID = 1L;
    private final String remedy;

    public EnvironmentException(String message, String remedy) {
        super(remedy == null ? message : message + "; to fix: " + remedy);
        this.remedy = remedy;
    }

    public Optional<String> remedy() {
        return Optional.ofNullable(remedy);
    }
}
