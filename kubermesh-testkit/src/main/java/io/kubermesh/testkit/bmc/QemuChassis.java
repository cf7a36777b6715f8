package io.kubermesh.testkit.bmc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The chassis a BMC emulator powers: a small qemu VM (TCG, SeaBIOS copying its screen to the
 * serial port, one NIC on an unconnected hub so PXE runs and fails on its own, no disk) started
 * and stopped by {@code qemu-chassis.sh}. ipmi_sim runs the script itself as its
 * {@code chassis_control} program; the Redfish emulator calls it through this class. What the
 * script did is kept in the chassis directory: {@code starts.log} has one line per power-on with
 * the one-time boot device it used.
 */
public final class QemuChassis implements AutoCloseable {
    private final Path dir;
    private final Path script;
    private final int serialPort;

    /**
     * Lays out a chassis in {@code dir}.
     *
     * @param name the VM's name (carries the test's prefix, e.g. {@code kmpw-ipmi})
     * @param serialWait whether the VM waits for a console client before it runs (ipmi_sim's SOL)
     */
    public QemuChassis(Path dir, String name, String mac, boolean serialWait) {
        HostTools.require("qemu-system-x86_64", "qemu-system-x86");
        HostTools.require("python3", "python3-minimal"); // /usr/bin/python3 talks to the qemu monitor
        this.dir = dir;
        this.serialPort = HostTools.freeTcpPort();
        try {
            Files.createDirectories(dir);
            this.script = dir.resolve("qemu-chassis.sh");
            try (InputStream in = QemuChassis.class.getResourceAsStream("/io/kubermesh/testkit/bmc/qemu-chassis.sh")) {
                Files.write(script, in.readAllBytes());
            }
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve("chassis.conf"), "NAME=" + name + "\nMAC=" + mac + "\nSERIAL_PORT=" + serialPort
                    + "\nSERIAL_WAIT=" + (serialWait ? "on" : "off") + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The command ipmi_sim runs as {@code chassis_control} (it appends get/set and its arguments). */
    public String controlCommand() {
        return script + " " + dir;
    }

    public int serialPort() {
        return serialPort;
    }

    public Path directory() {
        return dir;
    }

    private String control(String... args) {
        String[] command = new String[2 + args.length];
        command[0] = script.toString();
        command[1] = dir.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return HostTools.run(30, command);
    }

    public boolean powered() {
        return control("get", "power").trim().equals("power:1");
    }

    public void powerOn() {
        control("set", "power", "1");
    }

    public void powerOff() {
        control("set", "power", "0");
    }

    /** The ACPI power button: SeaBIOS with no OS ignores it, as a hung OS would. */
    public void pressPowerButton() {
        control("set", "shutdown", "1");
    }

    /** Sets the boot device for the next power-on only: {@code pxe}, {@code default} (disk) or {@code none}. */
    public void bootOnce(String device) {
        control("set", "boot", device);
    }

    /** The one-time boot device still pending, {@code none} when there is none. */
    public String pendingBoot() {
        return control("get", "boot").trim().replace("boot:", "");
    }

    /** One entry per power-on, in order: the one-time boot device it used ({@code boot=pxe}). */
    public List<String> starts() {
        try {
            Path log = dir.resolve("starts.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Powers the VM off; the directory stays for the owner to remove. */
    @Override
    public void close() {
        try {
            powerOff();
        } catch (AssertionError e) {
            // Already gone.
        }
    }
}
