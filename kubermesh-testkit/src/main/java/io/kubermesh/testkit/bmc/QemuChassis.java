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
 * serial port, one NIC on an unconnected hub so PXE runs and fails on its own, no disk; or, with
 * {@link #uefi} and {@link #plugInto}, a machine that boots the node OS from a neighbour) started
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

    /**
     * A machine that runs a real OS: {@code megabytes} of memory (64 by default), {@code cpus}
     * vCPUs, the accelerator ({@code tcg}, or {@code kvm} where it runs the firmware).
     */
    public QemuChassis resources(int megabytes, int cpus, String accel) {
        return configure("MEMORY=" + megabytes + "\nSMP=" + cpus + "\nACCEL=" + accel + "\n");
    }

    /**
     * UEFI instead of SeaBIOS: OVMF with its own copy of the variable store, q35, a virtio NIC
     * without option ROM, and {@code disk}, a raw file, as its virtio disk (null: none). A one-time
     * PXE boot puts port 0 before the disk for that start; otherwise the disk comes first, as on a
     * machine whose BIOS lists the network last.
     */
    public QemuChassis uefi(Path disk) {
        Path vars = dir.resolve("OVMF_VARS.fd");
        try {
            Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AssertionError("OVMF is missing (/usr/share/OVMF/OVMF_VARS_4M.fd): apt-get install -y ovmf");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return configure("FIRMWARE=uefi\nVARS=" + vars + "\n" + (disk == null ? "" : "DISK=" + disk + "\n"));
    }

    /** Its NIC is the existing tap {@code tap} of network namespace {@code netns} (the port of the machine it is cabled to). */
    public QemuChassis plugInto(Path netns, String tap) {
        return configure("NETNS=" + netns + "\nTAP=" + tap + "\n");
    }

    /**
     * A second NIC with {@code mac}, cabled to another VM's: datagrams from the Unix socket
     * {@code local} to {@code remote} (the other VM's {@code local}), so either end can be powered
     * off and on while the other runs.
     */
    public QemuChassis secondNic(String mac, Path local, Path remote) {
        return configure("NIC1_MAC=" + mac + "\nNIC1_LOCAL=" + local + "\nNIC1_REMOTE=" + remote + "\n");
    }

    private QemuChassis configure(String lines) {
        try {
            Files.writeString(dir.resolve("chassis.conf"), lines, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return this;
    }

    /** Everything the VM wrote to its serial console, every start (the BMC's SOL shows it only live). */
    public String consoleText() {
        try {
            Path log = dir.resolve("console.log");
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
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
