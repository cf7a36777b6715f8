package io.kubermesh.addressing.site;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.BmcSecret;
import java.util.function.Function;

/** A password in an environment variable of the process that reads the inventory. */
final class EnvironmentSecret implements BmcSecret {
    private final String path;
    private final String variable;
    private final Function<String, String> environment;

    EnvironmentSecret(String path, String variable, Function<String, String> environment) {
        this.path = path;
        this.variable = variable;
        this.environment = environment;
    }

    void check() {
        String v = environment.apply(variable);
        if (v == null || v.isEmpty()) {
            throw new ConfigurationException(path, variable, "an environment variable that is set to the BMC password; "
                    + variable + " is " + (v == null ? "not set" : "empty"));
        }
    }

    @Override
    public char[] reveal() {
        check();
        return environment.apply(variable).toCharArray();
    }

    @Override
    public String reference() {
        return "environment " + variable;
    }

    @Override
    public String toString() {
        return reference();
    }
}
