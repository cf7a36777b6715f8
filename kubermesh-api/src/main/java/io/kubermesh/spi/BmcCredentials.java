package io.kubermesh.spi;

/**
 * A BMC user and where its password lives. The user name is not a secret; the password is only
 * ever a {@link BmcSecret} reference.
 */
public record BmcCredentials(String username, BmcSecret password) {
    public BmcCredentials {
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("BMC credentials need a user name");
        }
        if (password == null) {
            throw new IllegalArgumentException("BMC credentials need a password reference");
        }
    }

    @Override
    public String toString() {
        return username + " (password from " + password.reference() + ")";
    }
}
