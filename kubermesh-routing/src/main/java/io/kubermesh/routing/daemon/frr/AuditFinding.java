package io.kubermesh.routing.daemon.frr;

/**
 * Something the FRR audit found wrong on one port, which resetting that port's adjacency
 * repairs ({@link RepairSchedule}).
 */
interface AuditFinding {
    /** What stays the same while the same fault lasts, across audits. */
    String key();

    /** The port whose adjacency a reset would renew. */
    String port();

    /** The fewest audits in a row that must see it before it is due (the schedule may ask for more). */
    int audits();

    /** One line for the log. */
    String describe();
}
