package io.kubermesh.routing.daemon;

/**
 * What the supervisor knows about a daemon's processes.
 *
 * @param status where the processes are in their lifecycle
 * @param restarts how many times the supervisor restarted them after a crash
 * @param detail the last thing that went wrong, or empty
 */
public record DaemonHealth(Status status, int restarts, String detail) {
    /** The supervisor's view of a group of processes. */
    public enum Status {
        /** Never started, or stopped on request. */
        STOPPED,
        /** Starting: processes launched, control sockets not answering yet. */
        STARTING,
        /** Every process runs and answered on its control socket. */
        RUNNING,
        /** A process died; the group is being restarted after a backoff. */
        RESTARTING,
        /** A restart failed; the supervisor keeps trying with a longer backoff. */
        FAILED
    }

    public DaemonHealth {
        detail = detail == null ? "" : detail;
    }

    public boolean healthy() {
        return status == Status.RUNNING;
    }
}
