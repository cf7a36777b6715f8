package io.kubermesh.boot.lab;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every VM boot test shares: the namespace {@value #NETNS} with the tap {@value #TAP}
 * carrying the port-0 this-end address of node {@link #NODE}, a private directory with the HTTP
 * state (groups, profiles) and assets, the kubermesh boot servers ({@link LabServerMain}) as one
 * process and one qemu VM on the tap. Each test states only what differs: the servers it runs,
 * the qemu arguments, what it asserts. {@link VmLabExtension} hands a test its lab. {@link #close} stops the VM and the servers by PID, removes
 * the namespace (and the tap with it) and the directory, also after a failure; {@link #create}
 * first removes a leftover namespace of a crashed run.
 */
public final class VmLab implements AutoCloseable {
    public static final String NETNS = "kmbf-vm";
    public static final String TAP = "kmbfvm0";
    public static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    public static final int HTTP_PORT = 8080;
    /** Console lines that end a boot early: the marker's failure twin and the usual dead ends. */
    static final String[] FAILURES = {"KUBERMESH-FAILED", "No bootable device", "Kernel panic", "UEFI Interactive Shell"};

    private final String name;
    private final Path dir;
    private final PortPrefix port = LabPorts.seedPort(NODE, 0);
    private final String token = "token-" + UUID.randomUUID();
    private JavaProcess server;
    private QemuVm vm;
    private LocalTime vmStart;

    private VmLab(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /**
     * Creates the namespace and the tap with the port's this-end address (DAD off) and the
     * directory, named {@code name} in logs ({@code target/it-logs/NAME-servers.log},
     * {@code NAME-console.log}).
     */
    public static VmLab create(String name) {
        Exec.require("ip", "iproute2");
        Exec.run(20, "ip", "netns", "del", NETNS);
        VmLab lab;
        try {
            lab = new VmLab(name, Files.createTempDirectory("kmbf-" + name));
            Files.createDirectories(lab.state().resolve("groups"));
            Files.createDirectories(lab.state().resolve("profiles"));
            Files.createDirectories(lab.assets());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Exec.run(20, "ip", "netns", "add", NETNS).orThrow();
            lab.inNetns("ip", "link", "set", "lo", "up");
            lab.inNetns("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
            lab.inNetns("sysctl", "-q", "-w", "net.ipv6.conf." + TAP + ".accept_dad=0");
            lab.inNetns("ip", "addr", "add", lab.port.thisEnd() + "/126", "dev", TAP, "nodad");
            lab.inNetns("ip", "link", "set", TAP, "up");
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Runs a command in the namespace; fails if it fails. */
    public void inNetns(String... command) {
        Exec.inNetns(NETNS, 20, command).orThrow();
    }

    /** Port 0 of {@link #NODE}: the tap's address and the pool the guest gets from DHCPv6. */
    public PortPrefix port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Path state() {
        return dir.resolve("state");
    }

    public Path assets() {
        return dir.resolve("assets");
    }

    /** {@code http://[this end]:8080}, the node's HTTP server as the guest reaches it. */
    public String httpBase() {
        return "http://[" + port.thisEnd() + "]:" + HTTP_PORT;
    }

    /** The random text of {@code assets/marker.txt}, which the guest prints after the marker. */
    public String token() {
        return token;
    }

    /**
     * Puts the Debian kernel ({@code vmlinuz}), the busybox initramfs ({@code initrd.gz}) and the
     * token ({@code marker.txt}) into the assets; returns the kernel.
     */
    public DebianKernel installerAssets() {
        DebianKernel kernel = DebianKernel.ensure();
        try {
            Files.copy(kernel.vmlinuz(), assets().resolve("vmlinuz"));
            BusyboxInitramfs.build(kernel, assets().resolve("initrd.gz"));
            Files.writeString(assets().resolve("marker.txt"), token + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kernel;
    }

    /** The kernel command line that makes the initramfs take pool address 0 and fetch the token from {@code server}. */
    public List<String> markerArgs(String server) {
        return List.of("console=ttyS0", "panic=-1", "km.addr=" + port.pool().get(0) + "/126", "km.gw=" + port.thisEnd(),
                "km.url=" + server + "/assets/marker.txt");
    }

    /**
     * The usual installer: {@link #installerAssets} and {@link #markerProfile} for {@code vmMac}
     * with the server URL the guest's iPXE used.
     */
    public void installer(String vmMac) {
        installerAssets();
        markerProfile(vmMac, "{server}");
    }

    /**
     * Writes profile {@code marker} (the installer assets with {@link #markerArgs} of {@code server},
     * where {@code {server}} stands for the URL the guest's iPXE used) and group {@code vm}
     * selecting it for {@code vmMac}.
     */
    public void markerProfile(String vmMac, String server) {
        StringBuilder args = new StringBuilder();
        for (String a : markerArgs(server)) {
            args.append(args.length() == 0 ? "" : ",").append('"').append(a).append('"');
        }
        try {
            Files.writeString(state().resolve("profiles/marker.json"), "{\"id\":\"marker\",\"kernel\":\"vmlinuz\","
                    + "\"initrd\":[\"initrd.gz\"],\"args\":[" + args + "]}");
            Files.writeString(state().resolve("groups/vm.json"), "{\"id\":\"vm\",\"profile\":\"marker\","
                    + "\"selectors\":{\"mac\":\"" + vmMac + "\"}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@link LabServerMain} in the namespace on the tap: HTTP on port 8080 with this lab's
     * state and assets, plus {@code extra} ({@code tftp-root=}, {@code dhcp6-identity=} ...).
     */
    public JavaProcess serve(String... extra) {
        List<String> args = new ArrayList<>(List.of("iface=" + TAP, "http-state=" + state(), "http-assets=" + assets(),
                "http-port=" + HTTP_PORT));
        args.addAll(Arrays.asList(extra));
        server = JavaProcess.start(NETNS, LabServerMain.class, log("servers"), args);
        return server;
    }

    /** {@link #serve} with router advertisements and DHCPv6 for port 0 of {@link #NODE}, leases in this lab's directory. */
    public JavaProcess serveWithDhcp6(String... extra) {
        List<String> args = new ArrayList<>(List.of("dhcp6-identity=" + NODE, "dhcp6-state=" + dir.resolve("leases")));
        args.addAll(Arrays.asList(extra));
        return serve(args.toArray(String[]::new));
    }

    /** Starts qemu with {@code args} (see {@link QemuVm}'s argument builders) in the namespace. */
    public QemuVm boot(List<String> args) {
        vmStart = LocalTime.now();
        vm = QemuVm.start(NETNS, log("console"), args);
        return vm;
    }

    /**
     * Waits for the marker line (or a known failure, or the end of the VM) and asserts it carries
     * this lab's token; returns the seconds since the VM started.
     */
    public double awaitMarker(Duration timeout) throws InterruptedException {
        Optional<String> line = vm.awaitAny(timeout, concat(BusyboxInitramfs.MARKER, FAILURES));
        assertThat(line.filter(l -> l.contains(BusyboxInitramfs.MARKER)))
                .as("console:\n%s\nservers:\n%s", vm.consoleText(), serverLog()).isPresent();
        assertThat(line.get()).contains(token);
        return vm.elapsed();
    }

    /** The servers' log so far. */
    public String serverLog() {
        return server == null ? "" : server.logText();
    }

    /** A timeline of this boot from the servers' log and the VM's console, times since the VM started. */
    public BootTimeline timeline() {
        return new BootTimeline(vmStart, serverLog(), vm.consoleText());
    }

    private Path log(String what) {
        return Path.of("target", "it-logs", name + "-" + what + ".log");
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Override
    public void close() {
        if (vm != null) {
            vm.close();
        }
        if (server != null) {
            server.close();
        }
        Exec.run(20, "ip", "netns", "del", NETNS);
        try (var s = Files.walk(dir)) {
            s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cleanup of " + dir + ": " + e);
        }
    }
}
