package io.kubermesh.boot.machine;

/**
 * Where a machine is in its life, as recorded by the node that boots it. The server decides from
 * it what a network boot gets: the installer while {@link #DISCOVERED} or {@link #INSTALLING},
 * "boot from disk" once {@link #INSTALLED} or {@link #JOINED}, so no machine loops through its
 * installer. States only move forward.
 */
public enum MachineState {
    /** Seen on the network (its iPXE asked for a script), nothing served yet. */
    DISCOVERED,
    /** Its installer was served. */
    INSTALLING,
    /** The installer phoned home: the OS is on disk. */
    INSTALLED,
    /** The installed OS phoned home from the cluster. */
    JOINED;

    /** True when moving from this state to {@code next} is allowed: forward, or staying. */
    public boolean canMoveTo(MachineState next) {
        return next.ordinal() >= ordinal();
    }

    /** True when a network boot must boot the local disk instead of the installer. */
    public boolean bootsFromDisk() {
        return this == INSTALLED || this == JOINED;
    }
}
