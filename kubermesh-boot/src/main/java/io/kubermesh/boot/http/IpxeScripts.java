package io.kubermesh.boot.http;

import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.Profile;

import java.util.ArrayList;
import java.util.List;

/**
 * The iPXE scripts the node serves. URLs iPXE itself fetches are relative, so they resolve
 * against whatever address the machine reached the node at (global or link-local); the
 * installer's kernel arguments carry absolute URLs built from {@code base}.
 */
public final class IpxeScripts {
    /** Seconds a machine without a profile waits before asking again. */
    public static final int RETRY_SECONDS = 10;
    /** The iPXE setting the disk script sets before it leaves, so {@link #boot()} leaves iPXE too. */
    static final String DISK_MARK = "kubermesh-disk";

    private IpxeScripts() {
    }

    /**
     * {@code boot.ipxe}: chain to the per-machine script with what iPXE knows of the machine. The
     * MAC goes as {@code ${mac:hexhyp}}: iPXE takes everything before the first ':' of a URI as
     * its scheme, so colons would turn the relative URI into an unsupported absolute one. When the
     * chain fails (the node refuses or cannot decide now: 403, 409, 503) the script waits and asks
     * again rather than leaving the machine at its firmware.
     */
    public static String boot() {
        return "#!ipxe\n"
                + ":ask\n"
                + "echo kubermesh: asking for the script of ${mac} (uuid ${uuid}, ${buildarch}, serial ${serial})\n"
                + "chain ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&serial=${serial:uristring} || goto retry\n"
                + "exit\n"
                + ":retry\n"
                // The disk script leaves with an error on purpose (so UEFI tries the disk next):
                // it marks that, and iPXE leaves too instead of asking again.
                + "isset ${" + DISK_MARK + "} && exit 1 ||\n"
                + "echo kubermesh: the node did not give a script; asking again in " + RETRY_SECONDS + " s\n"
                + "sleep " + RETRY_SECONDS + "\n"
                + "goto ask\n";
    }

    /**
     * Boots the profile's installer. {@code base} is the absolute server URL, like
     * {@code http://[2001:db8::20]:8080}; {@code bootSecret} (hex) goes into the Ignition URL, so
     * only this boot chain, served only on the machine's own port, can fetch its config.
     */
    public static String install(Profile p, Machine m, String base, String bootSecret) {
        if (!bootSecret.matches("[0-9a-f]{16,128}")) {
            throw new IllegalArgumentException("a boot secret is hex");
        }
        String ignition = base + "/ignition?mac=" + m.mac() + "&secret=" + bootSecret;
        List<String> args = new ArrayList<>();
        for (String initrd : p.initrd()) {
            args.add("initrd=" + basename(initrd));
        }
        for (String a : p.args()) {
            args.add(a.replace("{mac}", m.mac().toString()).replace("{ignition}", ignition).replace("{server}", base));
        }
        StringBuilder s = new StringBuilder("#!ipxe\n");
        s.append("echo kubermesh: installing profile ").append(safe(p.id())).append(" on ").append(m.mac())
                .append(" (port ").append(safe(m.port())).append(")\n");
        s.append("kernel assets/").append(p.kernel());
        for (String a : args) {
            s.append(' ').append(a.replace("$", ""));
        }
        s.append('\n');
        for (String initrd : p.initrd()) {
            s.append("initrd assets/").append(initrd).append('\n');
        }
        s.append("boot\n");
        return s.toString();
    }

    /**
     * An installed machine boots its own disk: leave iPXE with an error status, so UEFI tries the
     * next boot option (UEFI 2.x section 3.1.1: a boot option that returns EFI_SUCCESS stops the
     * boot order and OVMF shows its boot manager menu instead; found booting a real install in
     * NetbootInstallIT, now LibvirtLabIT), or sanboot on BIOS.
     */
    public static String disk(Machine m) {
        return "#!ipxe\n"
                + "echo kubermesh: " + m.mac() + " is " + m.state().name().toLowerCase(java.util.Locale.ROOT)
                + ", booting from its disk\n"
                + "set " + DISK_MARK + " 1\n"
                + "iseq ${platform} efi && exit 1 ||\n"
                + "sanboot --no-describe --drive 0x80 || exit 0\n";
    }

    /** No profile: say why on the console, wait and ask again. */
    public static String noProfile(String why) {
        return "#!ipxe\n"
                + "echo kubermesh: no profile for this machine: " + safe(why) + "\n"
                + "echo kubermesh: retrying in " + RETRY_SECONDS + " s\n"
                + "sleep " + RETRY_SECONDS + "\n"
                + "chain boot.ipxe\n";
    }

    /** Enrolment pending (an operator approves new machines): say so on the console, wait and ask again. */
    public static String pending(Machine m) {
        return "#!ipxe\n"
                + "echo kubermesh: " + m.mac() + " waits for an operator to approve it (kubermesh approve " + m.mac() + ")\n"
                + "echo kubermesh: asking again in " + RETRY_SECONDS + " s\n"
                + "sleep " + RETRY_SECONDS + "\n"
                + "chain boot.ipxe\n";
    }

    /** Text safe inside an iPXE {@code echo}: no expansions, no command separators, one line. */
    static String safe(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 0x80 || " :.,=_-/{}[]()".indexOf(c) >= 0 ? c : '?');
        }
        return b.length() > 200 ? b.substring(0, 200) : b.toString();
    }

    private static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
