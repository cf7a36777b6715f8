package io.kubermesh.spi;

/**
 * A named factory of substrates: where machines and cables come from. Found by name through
 * {@link java.util.ServiceLoader} by the CLI; a library user passes an instance. Implementations:
 * {@code netns} (network namespaces and veth pairs), {@code libvirt} (VMs), {@code baremetal}.
 */
public interface SubstrateProvider {
    /** The name an operator chooses it by ({@code --substrate netns}); unique among providers. */
    String name();

    /** One line for listings. */
    default String description() {
        return name();
    }

    /**
     * Checks that this host can run the substrate (root, packages, kernel features).
     *
     * @throws io.kubermesh.api.EnvironmentException naming what is missing and how to install it
     */
    default void checkEnvironment() {
    }

    /** Creates a substrate; the caller closes it. */
    Substrate create(SubstrateConfig config);
}
