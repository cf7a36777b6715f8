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

    /**
     * Whether a substrate created with {@code options} needs the node OS image, built with the
     * lab's cluster file, as option {@value SubstrateConfig#NODE_IMAGE}: true where the deployed
     * machine boots the node OS (VMs) and the options name no image of their own. False by default
     * (netns machines run the agent on this host).
     */
    default boolean needsNodeImage(java.util.Map<String, String> options) {
        return false;
    }

    /** Creates a substrate; the caller closes it. */
    Substrate create(SubstrateConfig config);
}
