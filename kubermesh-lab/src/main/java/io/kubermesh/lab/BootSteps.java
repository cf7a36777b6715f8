package io.kubermesh.lab;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The steps of a machine's boot as its console shows them, for the progress display: the
 * firmware's (UEFI PXE or HTTP boot over IPv6, the netns firmware stand-in), iPXE's and the
 * kubermesh boot script's, the node OS's kernel, setup and agent. Fed the console from its start
 * (a console is appended to across power cycles), it hands on only the steps after the lines the
 * console ended with before this power-on.
 */
final class BootSteps implements Consumer<String> {
    /** Lines that are a step wherever they appear in the console line. */
    private static final List<String> MARKERS = List.of("Start PXE over IPv", "Start HTTP Boot over IPv",
            "Station IP address is", "NBP file downloaded successfully", "iPXE initialising devices", "Configuring (net",
            "Filename:", "Linux version", "kubermesh-setup: ");
    private static final int MAX_LENGTH = 140;

    private final List<String> before;
    private final Consumer<String> steps;
    private int matched;
    private boolean live;
    private boolean skipOne;

    /**
     * @param before the console's last lines before the power-on ({@link JoinWatch#consoleBefore}); the
     *     last of them may have been a line still being written, so it is not matched and the line
     *     after the rest is skipped
     * @param steps where each step goes
     */
    BootSteps(List<String> before, Consumer<String> steps) {
        this.before = before.isEmpty() ? List.of() : before.subList(0, before.size() - 1);
        this.steps = steps;
        this.live = before.isEmpty();
        this.skipOne = !before.isEmpty() && this.before.isEmpty();
    }

    @Override
    public void accept(String line) {
        if (!live) {
            if (skipOne) {
                skipOne = false;
                live = true;
                return;
            }
            matched = line.equals(before.get(matched)) ? matched + 1 : line.equals(before.get(0)) ? 1 : 0;
            if (matched == before.size()) {
                skipOne = true;
            }
            return;
        }
        step(line).ifPresent(steps);
    }

    /** The step a console line shows, if it is one, as the progress display prints it. */
    static Optional<String> step(String line) {
        String s = line.strip();
        String shown = null;
        int agent = s.indexOf("kubermesh agent ");
        if (agent >= 0 && s.contains(": identity ")) {
            shown = s.substring(agent);
        } else if (s.startsWith("kubermesh:") || s.startsWith("firmware:")) {
            shown = s;
        } else {
            for (String m : MARKERS) {
                int i = s.indexOf(m);
                if (i >= 0) {
                    shown = m.equals("Linux version") || m.equals("kubermesh-setup: ") ? s.substring(i) : s.replaceFirst("^>>", "");
                    break;
                }
            }
        }
        if (shown == null) {
            return Optional.empty();
        }
        shown = shown.strip();
        return Optional.of(shown.length() > MAX_LENGTH ? shown.substring(0, MAX_LENGTH) + "..." : shown);
    }
}
