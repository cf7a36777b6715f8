package io.kubermesh.spi;

/**
 * What a deployed machine (one that does not network-boot: the lab's gateway, the USB-booted
 * seed, a VM started from a disk image, the bare-metal host the CLI runs on) is given to run
 * with, since no neighbour's boot services hand it its Ignition config. A netboot machine gets
 * the same from its neighbour instead.
 *
 * <p>How it reaches the machine is the substrate's business: netns writes it to the machine's
 * state directory and passes it to the agent it starts; libvirt writes it into the VM's disk
 * image or a config drive before the first power on; bare metal writes {@code
 * /etc/kubermesh/cluster.yaml} on the host itself (or onto the USB image it is about to write).
 *
 * @param clusterYaml the cluster file's text, as {@code kubermesh agent --config} reads it
 * @param etcdBootstrap true for the first machine of a cluster: with no etcd data it starts a new
 *     one-member etcd cluster that the others join ({@code kubermesh agent --etcd-bootstrap})
 */
public record Deployment(String clusterYaml, boolean etcdBootstrap) {
    public Deployment {
        if (clusterYaml == null || clusterYaml.isBlank()) {
            throw new IllegalArgumentException("a deployment needs the cluster file's text");
        }
    }
}
