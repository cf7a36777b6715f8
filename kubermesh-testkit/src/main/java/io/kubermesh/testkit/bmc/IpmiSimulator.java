package io.kubermesh.testkit.bmc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real BMC for tests: OpenIPMI's {@code ipmi_sim} on a loopback UDP port, an IPMI 2.0 LAN
 * channel with one administrator, its chassis a {@link QemuChassis} it powers through the
 * {@code chassis_control} program (without one, ipmi_sim answers power control with "invalid
 * data field in request"), and Serial-over-LAN connected to the VM's serial port. Closing powers
 * the VM off, stops ipmi_sim (the process this class started) and removes the directory.
 */
public final class IpmiSimulator implements AutoCloseable {
    private final Path dir;
    private final QemuChassis chassis;
    private final int port;
    private final String user;
    private final String password;
    private Process process;

    public IpmiSimulator(Path dir, String vmName, String mac, String user, String password) {
        HostTools.require("ipmi_sim", "openipmi");
        this.dir = dir;
        this.user = user;
        this.password = password;
        this.chassis = new QemuChassis(dir.resolve("chassis"), vmName, mac, true);
        this.port = HostTools.freeUdpPort();
    }

    /** Writes lan.conf and the .emu script and starts ipmi_sim; returns once its port is bound. */
    public IpmiSimulator start() {
        try {
            Files.createDirectories(dir.resolve("state"));
            // The guid makes RAKP 2 carry a known GUIDc; privilege and auth lines follow lan.conf(5).
            Files.writeString(dir.resolve("lan.conf"), String.join("\n",
                    "name \"kmpwsim\"",
                    "set_working_mc 0x20",
                    "  startlan 1",
                    "    addr 127.0.0.1 " + port,
                    "    priv_limit admin",
                    "    allowed_auths_callback md5",
                    "    allowed_auths_user md5",
                    "    allowed_auths_operator md5",
                    "    allowed_auths_admin md5",
                    "    guid a123456789abcdefa123456789abcdef",
                    "  endlan",
                    "  chassis_control \"" + chassis.controlCommand() + "\"",
                    "  sol \"tcp:127.0.0.1:" + chassis.serialPort() + "\" 115200",
                    "  user 2 true \"" + user + "\" \"" + password + "\" admin 10 md5",
                    ""));
            Files.writeString(dir.resolve("bmc.emu"), String.join("\n",
                    "mc_setbmc 0x20",
                    "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr",
                    "sel_enable 0x20 1000 0x0a",
                    "mc_enable 0x20",
                    ""));
            process = new ProcessBuilder("ipmi_sim", "-c", dir.resolve("lan.conf").toString(), "-f",
                    dir.resolve("bmc.emu").toString(), "-s", dir.resolve("state").toString(), "-n")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("ipmi_sim.log").toFile())
                    .start();
            process.getOutputStream().close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!HostTools.run(10, "ss", "-Hulnp", "sport = :" + port).contains("ipmi_sim")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("ipmi_sim did not bind 127.0.0.1:" + port + ": "
                            + Files.readString(dir.resolve("ipmi_sim.log")));
                }
                Thread.sleep(100);
            }
            return this;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public int port() {
        return port;
    }

    public QemuChassis chassis() {
        return chassis;
    }

    /** {@code ipmitool -I lanplus} against this BMC (a real client), with the given arguments. */
    public String ipmitool(String... args) {
        HostTools.require("ipmitool", "ipmitool");
        String[] base = {"ipmitool", "-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", Integer.toString(port), "-U", user,
                "-P", password};
        String[] command = new String[base.length + args.length];
        System.arraycopy(base, 0, command, 0, base.length);
        System.arraycopy(args, 0, command, base.length, args.length);
        return HostTools.run(30, command);
    }

    @Override
    public void close() {
        chassis.close();
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        HostTools.deleteTree(dir);
    }
}
