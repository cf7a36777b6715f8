package io.kubermesh.provider.libvirt;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VM port that is real hardware instead of a cable: physical machines plug into it and boot
 * from the VM, as the seed bootstrapped real hardware from a VM gateway.
 *
 * <ul>
 *   <li>{@code direct:IFACE}: the host NIC {@code IFACE} through a macvtap in passthrough mode (the
 *       VM owns the NIC: libvirt gives it the port's MAC while the VM runs and restores it after);
 *   <li>{@code usb:VVVV:PPPP}: a USB network adapter (vendor and product id) handed to the VM whole;
 *       the adapter keeps its own MAC, and the guest names it after its virtio ports.
 * </ul>
 *
 * @param machine the machine whose port it is
 * @param port the port index
 * @param kind which of the two
 * @param device the host interface ({@link Kind#DIRECT}), empty for USB
 * @param vendor the USB vendor id ({@link Kind#USB}), 0 for direct
 * @param product the USB product id ({@link Kind#USB}), 0 for direct
 */
public record HostPort(String machine, int port, Kind kind, String device, int vendor, int product) {
    /** How the hardware reaches the VM. */
    public enum Kind { DIRECT, USB }

    private static final Pattern ONE = Pattern.compile(
            "([a-z0-9][a-z0-9-]*):([0-9]+)=(?:direct:([A-Za-z0-9_.-]{1,15})|usb:([0-9a-fA-F]{4}):([0-9a-fA-F]{4}))");

    /** Parses {@code MACHINE:PORT=direct:IFACE} and {@code MACHINE:PORT=usb:VVVV:PPPP}, comma separated. */
    static List<HostPort> parseList(String key, String text) {
        List<HostPort> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Set<String> ports = new HashSet<>();
        Set<String> devices = new HashSet<>();
        for (String item : text.split(",")) {
            String t = item.trim();
            if (t.isEmpty()) {
                continue;
            }
            Matcher m = ONE.matcher(t);
            int port = -1;
            if (m.matches()) {
                try {
                    port = Integer.parseInt(m.group(2));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 0 || port > 7) {
                problems.add(new Problem(key, t, "MACHINE:PORT=direct:IFACE or MACHINE:PORT=usb:VVVV:PPPP with PORT 0..7"));
                continue;
            }
            HostPort h = m.group(3) != null
                    ? new HostPort(m.group(1), port, Kind.DIRECT, m.group(3), 0, 0)
                    : new HostPort(m.group(1), port, Kind.USB, "", Integer.parseInt(m.group(4), 16),
                            Integer.parseInt(m.group(5), 16));
            if (!ports.add(h.machine() + ":" + port)) {
                problems.add(new Problem(key, t, "one host port per machine port; " + h.machine() + ":" + port + " has two"));
            }
            if (!devices.add(h.deviceText())) {
                problems.add(new Problem(key, t, h.deviceText() + " is given to two ports"));
            }
            out.add(h);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return out;
    }

    /** The device as written in the option: {@code direct:eth1}, {@code usb:0bda:8153}. */
    String deviceText() {
        return kind == Kind.DIRECT ? "direct:" + device : String.format("usb:%04x:%04x", vendor, product);
    }
}
