package io.kubermesh.spi;

/**
 * A BMC password held by reference (a file of mode 0600, an environment variable), never inline.
 * It is read when a driver needs it and handed over as a {@code char[]} the driver clears after
 * use. {@link #toString()} and {@link #reference()} name where the secret lives, never its value,
 * so logs and errors can say which reference failed.
 */
public interface BmcSecret {
    /**
     * Reads the secret now.
     *
     * @throws io.kubermesh.api.ConfigurationException when the reference cannot be read or the file
     *         is readable by group or others
     */
    char[] reveal();

    /** Where the secret lives: {@code file /etc/kubermesh/bmc/node1} or {@code environment KM_BMC_NODE1}. */
    String reference();
}
