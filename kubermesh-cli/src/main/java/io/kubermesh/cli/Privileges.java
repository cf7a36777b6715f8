package io.kubermesh.cli;

import io.kubermesh.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a command needs of the kernel's capabilities, read from {@code /proc/self/status}. */
final class Privileges {
    /** Capability numbers (linux/capability.h). */
    static final int CAP_NET_BIND_SERVICE = 10;
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;

    private Privileges() {
    }

    /**
     * Fails with exit code 3 unless this process may add addresses (CAP_NET_ADMIN), open raw
     * ICMPv6 sockets (CAP_NET_RAW) and bind ports 69 and 547 (CAP_NET_BIND_SERVICE).
     *
     * @param what the command, for the message and the fix
     */
    static void requireNetworkAdmin(String what) {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot read /proc/self/status: " + e.getMessage(), null);
        }
        List<String> missing = missing(status);
        if (!missing.isEmpty()) {
            throw new EnvironmentException(what + " needs root (it lacks " + String.join(", ", missing)
                    + ": it adds port addresses and serves DHCPv6 on 547, TFTP on 69 and router advertisements)",
                    "run it as root: sudo " + what + " ...");
        }
    }

    /** The needed capabilities the effective set of a {@code /proc/PID/status} text lacks. */
    static List<String> missing(String procStatus) {
        long effective = procStatus.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                .map(l -> Long.parseUnsignedLong(l.substring("CapEff:".length()).trim(), 16)).orElse(0L);
        List<String> out = new ArrayList<>();
        if ((effective & (1L << CAP_NET_ADMIN)) == 0) {
            out.add("CAP_NET_ADMIN");
        }
        if ((effective & (1L << CAP_NET_RAW)) == 0) {
            out.add("CAP_NET_RAW");
        }
        if ((effective & (1L << CAP_NET_BIND_SERVICE)) == 0) {
            out.add("CAP_NET_BIND_SERVICE");
        }
        return out;
    }
}
