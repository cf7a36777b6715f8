package io.kubermesh.spi;

/** Where a machine boots from next, once; after that boot its own boot order applies again. */
public enum BootDevice {
    /** PXE or UEFI HTTP boot from the neighbour it is cabled to. */
    NETWORK,
    /** Its first disk, the installed node OS. */
    DISK
}
