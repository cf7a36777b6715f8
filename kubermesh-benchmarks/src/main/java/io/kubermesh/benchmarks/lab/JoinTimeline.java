package io.kubermesh.benchmarks.lab;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One join split into its steps, from the instants on a lab machine's console (each firmware line
 * and the agent's ready line start with an ISO instant) between power on and "reachable from every
 * machine". A step missing from the console (a machine that booted from disk skips some) is zero.
 * {@code total} runs from power on; {@code fromCable} from the instant the firmware turned its NIC
 * up, when the neighbour sees carrier (the cable coming up; power on when the console has no such
 * line).
 */
record JoinTimeline(Map<String, Duration> steps, Duration total, Duration fromCable) {
    /** The console line (after its instant) of the firmware turning its NIC up: the cable comes up. */
    static final String CABLE_UP = "firmware: NIC ";

    /** The steps in order, with the console line each one ends at. */
    static final List<String[]> STEPS = List.of(
            new String[] {"launch (power on to JVM process)", null},
            new String[] {"JVM start to firmware main", "firmware: started"},
            new String[] {"firmware main to its NIC turned up (the cable comes up)", CABLE_UP},
            new String[] {"carrier seen", "firmware: link up"},
            new String[] {"link-local address (duplicate address detection)", "firmware: link-local"},
            new String[] {"DHCPv6 as firmware", "firmware: DHCPv6 (UEFI"},
            new String[] {"TFTP", "firmware: TFTP"},
            new String[] {"DHCPv6 as iPXE", "firmware: DHCPv6 (iPXE"},
            new String[] {"HTTP chain + Ignition", "firmware: Ignition"},
            new String[] {"phone-home", "firmware: phoned home"},
            new String[] {"agent start to ready", "kubermesh agent"},
            new String[] {"routing convergence to reachable-from-all", null});

    private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+Z) (.*)$");
    private static final Pattern PROCESS = Pattern.compile("process started (\\S+Z)\\)");

    static JoinTimeline of(Instant poweredOn, List<String> console, Instant reachable) {
        Map<String, Instant> at = new LinkedHashMap<>();
        Instant process = null;
        Instant cable = null;
        for (String line : console) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Instant t = Instant.parse(m.group(1));
            if (t.isBefore(poweredOn)) {
                continue;
            }
            for (String[] step : STEPS) {
                if (step[1] != null && m.group(2).startsWith(step[1])) {
                    if (step[1].equals(CABLE_UP)) {
                        at.putIfAbsent(step[0], t);
                    } else {
                        at.put(step[0], t);
                    }
                }
            }
            if (cable == null && m.group(2).startsWith(CABLE_UP)) {
                cable = t;
            }
            Matcher p = PROCESS.matcher(m.group(2));
            if (p.find()) {
                process = Instant.parse(p.group(1));
            }
        }
        Map<String, Duration> steps = new LinkedHashMap<>();
        Instant previous = poweredOn;
        for (String[] step : STEPS) {
            Instant end = step[1] == null ? (step == STEPS.get(0) ? process : reachable) : at.get(step[0]);
            if (end == null || end.isBefore(previous)) {
                steps.put(step[0], Duration.ZERO);
                continue;
            }
            steps.put(step[0], Duration.between(previous, end));
            previous = end;
        }
        return new JoinTimeline(steps, Duration.between(poweredOn, reachable),
                Duration.between(cable == null ? poweredOn : cable, reachable));
    }

    /** Median of each step and of the total over several joins. */
    static JoinTimeline median(List<JoinTimeline> joins) {
        Map<String, Duration> steps = new LinkedHashMap<>();
        for (String[] step : STEPS) {
            steps.put(step[0], medianOf(joins.stream().map(j -> j.steps().get(step[0])).toList()));
        }
        return new JoinTimeline(steps, medianOf(joins.stream().map(JoinTimeline::total).toList()),
                medianOf(joins.stream().map(JoinTimeline::fromCable).toList()));
    }

    static Duration medianOf(List<Duration> values) {
        List<Duration> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Duration.ZERO : n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }
}
