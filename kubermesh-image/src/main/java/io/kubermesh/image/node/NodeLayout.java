package io.kubermesh.image.node;

/**
 * Where things are on a node and on its disk, shared by the image build (which writes the USB
 * image) and the node setup (which reads it, or writes an install).
 */
public final class NodeLayout {
    /** The node's state directory, where the data partition is mounted. */
    public static final String STATE = "/var/lib/kubermesh";
    /** Where the ESP is mounted. */
    public static final String ESP = "/boot/efi";
    /** The Ignition config on the data partition: the machine's own, applied at every boot from disk. */
    public static final String IGNITION_FILE = "ignition.json";
    /** The boot services' assets directory below the state directory; the ESP's kubermesh/ is bound into it. */
    public static final String ASSETS = "boot/assets";

    private NodeLayout() {
    }
}
