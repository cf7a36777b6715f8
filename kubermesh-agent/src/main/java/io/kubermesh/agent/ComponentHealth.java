package io.kubermesh.agent;

import java.time.Clock;
import java.time.Instant;

/**
 * The live state of one node component, set by the component as things happen and read by
 * status. Remembers when the state last changed and the last error line, which stays after the
 * component recovers (so an operator sees what went wrong last). Thread-safe.
 */
public final class ComponentHealth {
    private final String name;
    private final Clock clock;
    private String state = ComponentStatus.STARTING;
    private String error;
    private String detail;
    private Instant since;

    public ComponentHealth(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
        this.since = clock.instant();
    }

    public String name() {
        return name;
    }

    public synchronized void starting(String what) {
        set(ComponentStatus.STARTING, what);
    }

    public synchronized void running(String what) {
        set(ComponentStatus.RUNNING, what);
    }

    /** Off: the cluster file does not ask for it here ({@code why}). */
    public synchronized void off(String why) {
        set(ComponentStatus.OFF, why);
    }

    /** Failed with {@code error} (its first line is kept). */
    public synchronized void failed(String error) {
        set(ComponentStatus.FAILED, detail);
        this.error = firstLine(error);
    }

    /** Keeps the state, records an error line (a check that failed while starting). */
    public synchronized void error(String line) {
        this.error = line == null ? null : firstLine(line);
    }

    public synchronized String state() {
        return state;
    }

    private void set(String next, String what) {
        if (!next.equals(state)) {
            state = next;
            since = clock.instant();
        }
        detail = what;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    public synchronized ComponentStatus view() {
        return new ComponentStatus(name, state, error, detail, since.toString());
    }
}
