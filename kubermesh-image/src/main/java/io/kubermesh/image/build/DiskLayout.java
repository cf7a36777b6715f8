package io.kubermesh.image.build;

import java.util.UUID;

/**
 * The GPT layout of a kubermesh disk, the USB image's and an installed node's alike: an EFI system
 * partition labelled {@value #ESP_LABEL} (the boot loader, the kernel and the initrd, which the node
 * also serves as its netboot image) and a Linux data partition labelled {@value #DATA_LABEL} (the
 * node's state: identity, leases, machine records, etcd, its Ignition config), 1 MiB aligned.
 *
 * @param espBytes size of the ESP
 * @param dataBytes size of the data partition (on the USB image; an installed node's takes the rest of its disk)
 */
public record DiskLayout(long espBytes, long dataBytes) {
    public static final String ESP_LABEL = "kubermesh-esp";
    public static final String DATA_LABEL = "kubermesh-data";
    public static final String ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    public static final String LINUX_TYPE = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    public static final long MIB = 1L << 20;
    /** Room for the backup GPT (33 sectors), rounded up to the alignment. */
    static final long TAIL = MIB;

    public DiskLayout {
        if (espBytes % MIB != 0 || dataBytes % MIB != 0 || espBytes < 64 * MIB || dataBytes < 16 * MIB) {
            throw new IllegalArgumentException("partitions are whole MiB, the ESP at least 64 MiB (FAT32), data at least 16 MiB");
        }
    }

    public long espOffset() {
        return MIB;
    }

    public long dataOffset() {
        return espOffset() + espBytes;
    }

    public long totalBytes() {
        return dataOffset() + dataBytes + TAIL;
    }

    /**
     * The sfdisk script for this layout, with the given disk and partition GUIDs; {@code dataBytes}
     * 0 gives the data partition the rest of the disk (an install).
     */
    public String sfdiskScript(UUID disk, UUID esp, UUID data, boolean dataToEnd) {
        long sector = 512;
        return "label: gpt\n"
                + "label-id: " + disk.toString().toUpperCase(java.util.Locale.ROOT) + "\n"
                + "first-lba: 2048\n"
                + "start=" + espOffset() / sector + ", size=" + espBytes / sector + ", type=" + ESP_TYPE + ", uuid="
                + esp.toString().toUpperCase(java.util.Locale.ROOT) + ", name=\"" + ESP_LABEL + "\"\n"
                + "start=" + dataOffset() / sector + (dataToEnd ? "" : ", size=" + dataBytes / sector) + ", type=" + LINUX_TYPE
                + ", uuid=" + data.toString().toUpperCase(java.util.Locale.ROOT) + ", name=\"" + DATA_LABEL + "\"\n";
    }
}
