package io.kubermesh.provider.libvirt;

import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;

/**
 * {@code libvirt}: machines are qemu VMs with real UEFI firmware (OVMF) under libvirt, cables are
 * two-port isolated libvirt networks, and a port may be a host NIC or USB network adapter so real
 * machines can be cabled to a VM. Runs as root against the system libvirtd, which it starts when it
 * is not running. Options are {@code libvirt.*}; see {@link LibvirtOptions}.
 */
public final class LibvirtSubstrateProvider implements SubstrateProvider {
    public static final String NAME = "libvirt";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "machines are VMs with UEFI firmware (libvirt, qemu, OVMF), cables are two-port bridges (root)";
    }

    /**
     * Root, libvirt's daemons and client library, qemu and OVMF; names every missing one with the
     * {@code apt-get install} line, and how to start the daemons.
     */
    @Override
    public void checkEnvironment() {
        LibvirtEnvironment.check();
    }

    /**
     * The deployed machine boots the node OS from a USB image: the one {@code libvirt.deployImage}
     * names, else the node image built for the lab ({@code image}).
     */
    @Override
    public boolean needsNodeImage(java.util.Map<String, String> options) {
        return !options.containsKey(LibvirtOptions.DEPLOY_IMAGE);
    }

    @Override
    public Substrate create(SubstrateConfig config) {
        LibvirtOptions.of(config);
        checkEnvironment();
        return LibvirtSubstrate.open(config);
    }
}
