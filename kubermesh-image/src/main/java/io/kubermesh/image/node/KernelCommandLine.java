package io.kubermesh.image.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel command line ({@code /proc/cmdline}) as the node setup reads it. The iPXE chain of a
 * neighbour passes {@code ignition.config.url=URL} (the machine's Ignition config, served only to
 * its MAC on its port) and {@code kubermesh.server=URL} (the neighbour's HTTP boot server, where
 * the netboot image and phone-home are); the ESP's loader entry passes {@code kubermesh.boot=disk}.
 * Words are separated by spaces; a value may be double-quoted; the last of a repeated key wins.
 */
public record KernelCommandLine(Map<String, String> values, List<String> flags) {
    public static final String IGNITION_URL = "ignition.config.url";
    public static final String SERVER = "kubermesh.server";
    public static final String BOOT = "kubermesh.boot";

    public KernelCommandLine {
        values = Map.copyOf(values);
        flags = List.copyOf(flags);
    }

    public static KernelCommandLine parse(String line) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            while (i < n && (quoted || !Character.isWhitespace(line.charAt(i)))) {
                char c = line.charAt(i++);
                if (c == '"') {
                    quoted = !quoted;
                } else {
                    word.append(c);
                }
            }
            String w = word.toString();
            int eq = w.indexOf('=');
            if (eq > 0) {
                values.put(w.substring(0, eq), w.substring(eq + 1));
            } else if (!w.isEmpty()) {
                flags.add(w);
            }
        }
        return new KernelCommandLine(values, flags);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
    }

    /** True when a neighbour's iPXE chain booted this kernel (it passed the Ignition URL). */
    public boolean netbooted() {
        return get(IGNITION_URL).isPresent();
    }
}
