package io.kubermesh.boot.lab;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timeline of one VM boot, in seconds since qemu started: events found in the servers' log
 * (lines start with the wall-clock time {@code HH:mm:ss.SSS}) and in the console log (lines start
 * with {@code [seconds]}, see {@link QemuVm}). Each event is the first line containing a text.
 */
public final class BootTimeline {
    private static final Pattern CONSOLE = Pattern.compile("^\\[\\s*([0-9]+\\.[0-9]+)\\] (.*)$");

    /** One event: when, what, and where it was seen. */
    public record Event(double seconds, String label, String source) {
    }

    private final LocalTime vmStart;
    private final List<String> server;
    private final List<String> console;
    private final List<Event> events = new ArrayList<>();

    BootTimeline(LocalTime vmStart, String serverLog, String consoleLog) {
        this.vmStart = vmStart;
        this.server = serverLog.lines().toList();
        this.console = consoleLog.lines().toList();
    }

    /** Adds the first server log line containing {@code text}, if any. */
    public BootTimeline server(String label, String text) {
        for (String l : server) {
            if (l.contains(text) && l.length() > 12) {
                try {
                    LocalTime t = LocalTime.parse(l.substring(0, 12));
                    events.add(new Event(Duration.between(vmStart, t).toMillis() / 1000.0, label, "server"));
                    return this;
                } catch (DateTimeParseException e) {
                    // a continuation line (stack trace): keep looking
                }
            }
        }
        return this;
    }

    /** Adds the first console line containing {@code text}, if any. */
    public BootTimeline console(String label, String text) {
        for (String l : console) {
            Matcher m = CONSOLE.matcher(l);
            if (m.matches() && m.group(2).contains(text)) {
                events.add(new Event(Double.parseDouble(m.group(1)), label, "console"));
                return this;
            }
        }
        return this;
    }

    /** The events found, in the order they were asked for. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The event of {@code label}, if it was found. */
    public Optional<Event> event(String label) {
        return events.stream().filter(e -> e.label().equals(label)).findFirst();
    }

    /** A table, by time. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        events.stream().sorted(Comparator.comparingDouble(Event::seconds)).forEach(e ->
                b.append(String.format(Locale.ROOT, "%8.1f s  %-7s  %s%n", e.seconds(), e.source(), e.label())));
        return b.toString();
    }
}
