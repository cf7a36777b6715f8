package io.kubermesh.image.node;

import io.kubermesh.agent.NodeSetupResult;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.boot.machine.ClusterProfile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a node does at boot before its agent starts ({@code kubermesh-setup.service}), each step a
 * console line:
 * <ol>
 * <li>mounts its kubermesh disk if it has one (partition labels {@code kubermesh-data} and
 *     {@code kubermesh-esp}): the USB drive of the first machine, or the disk of an installed one;
 * <li>takes its Ignition config from that disk ({@code ignition.json}), or else from the URL the
 *     neighbour's iPXE chain put on the kernel command line, and applies it (cluster file, host
 *     name, join token, the agent's unit);
 * <li>netbooted and blank: installs itself on its first disk (ESP with systemd-boot and the same
 *     kernel and initrd, fetched from the neighbour; a data partition holding its Ignition config)
 *     and phones home {@code installed}; it keeps running from memory (the OS on disk is the one
 *     running, a reboot would only cost time), and boots from the disk next time;
 * <li>binds the ESP's {@code kubermesh/} into the boot services' assets, so the node serves the
 *     OS it runs to whatever is plugged into it.
 * </ol>
 * A failed step fails the unit (visible in {@code systemctl --failed} and on the console); the
 * agent still starts when it has a cluster file, so the node keeps routing, and shows the failure
 * as its failed {@code setup} component ({@link NodeSetupResult}), so {@code up} and
 * {@code status} name it.
 */
public final class NodeSetup {
    private final NodeSystem sys;
    private final PrintStream console;
    private final Path result;
    /** The first line said (kernel, how it booted) and the last failure, for the result file. */
    private String summary;
    private String failure;

    NodeSetup(NodeSystem sys, PrintStream console, Path result) {
        this.sys = sys;
        this.console = console;
        this.result = result;
    }

    /** The setup of the machine this runs on; its result goes to {@link NodeSetupResult#NODE_OS_FILE} for the agent. */
    public static NodeSetup system() {
        return new NodeSetup(new NodeSystem(), System.out, NodeSetupResult.NODE_OS_FILE);
    }

    /**
     * Runs every step; false when one failed (already said on the console). Either way the
     * outcome is written for the agent, which shows it as its {@code setup} component.
     */
    public boolean run() {
        boolean ok = steps();
        try {
            NodeSetupResult.write(result, ok, ok ? summary : failure, java.time.Instant.now());
        } catch (IOException | RuntimeException e) {
            say("could not write the result for the agent to " + result + ": " + e.getMessage());
            return false;
        }
        return ok;
    }

    private boolean steps() {
        try {
            KernelCommandLine cmd = KernelCommandLine.parse(sys.read("/proc/cmdline"));
            say("kernel " + sys.read("/proc/sys/kernel/osrelease").strip() + ", booted from "
                    + (cmd.netbooted() ? "the network (" + cmd.get(KernelCommandLine.SERVER).orElse("?") + ")" : "disk"));
            boolean disk = mountDisk(cmd);
            Path saved = Path.of(NodeLayout.STATE, NodeLayout.IGNITION_FILE);
            String json;
            if (disk && Files.isRegularFile(saved)) {
                json = Files.readString(saved);
                say("Ignition config from the disk (" + saved + ")");
            } else if (cmd.netbooted()) {
                json = fetchIgnition(cmd);
            } else {
                say("FAILED: no Ignition config: no kubermesh data partition with " + NodeLayout.IGNITION_FILE
                        + " and no " + KernelCommandLine.IGNITION_URL + " on the kernel command line");
                return false;
            }
            IgnitionConfig config = IgnitionConfig.parse(json);
            IgnitionApplier.Applied applied = IgnitionApplier.apply(config, Path.of("/"));
            say("applied: files " + applied.files() + ", units " + applied.units() + ", enabled " + applied.enabled());
            if (!applied.ignoredUsers().isEmpty()) {
                say("users " + applied.ignoredUsers() + " not created: the node OS has no SSH server and no passwords");
            }
            if (Files.isRegularFile(Path.of("/etc/hostname"))) {
                String host = Files.readString(Path.of("/etc/hostname")).strip();
                sys.run(HostRequirements.HOSTNAME.args("-F", "/etc/hostname"));
                // The agent names itself after the host name it resolves; no DNS here, so /etc/hosts says it.
                Files.writeString(Path.of("/etc/hosts"), hosts(host));
            }
            sys.run(HostRequirements.SYSTEMCTL.args("daemon-reload"));
            for (String unit : applied.enabled()) {
                if (!unit.equals("kubermesh-agent.service")) {
                    sys.run(HostRequirements.SYSTEMCTL.args("start", "--no-block", unit));
                }
            }
            if (cmd.netbooted()) {
                // A diskless machine is not recorded installed: told to boot its disk, it would have none.
                if (disk || install(cmd, json)) {
                    phoneHome(cmd, "installed");
                }
            }
            serveNetbootImage(cmd, disk || Files.isDirectory(Path.of(NodeLayout.ESP, "kubermesh")));
            say("done: the agent starts next (cluster file " + ClusterProfile.CLUSTER_FILE + ")");
            return true;
        } catch (Exception e) {
            say("FAILED: " + e.getMessage());
            return false;
        } finally {
            if (temporary != null) {
                try {
                    sys.run(HostRequirements.IP.args("-6", "addr", "del", temporary[0], "dev", temporary[1]));
                } catch (RuntimeException e) {
                    say("could not remove " + temporary[0] + " from " + temporary[1] + ": " + e.getMessage());
                }
            }
        }
    }

    /** Mounts the data partition and the ESP when this machine has a kubermesh disk. */
    private boolean mountDisk(KernelCommandLine cmd) throws IOException, InterruptedException {
        Path data = Path.of("/dev/disk/by-partlabel/" + io.kubermesh.image.build.DiskLayout.DATA_LABEL);
        Path esp = Path.of("/dev/disk/by-partlabel/" + io.kubermesh.image.build.DiskLayout.ESP_LABEL);
        // Booted from a kubermesh disk: its partitions will show up; USB storage may take seconds.
        Duration wait = cmd.get(KernelCommandLine.BOOT).filter("disk"::equals).isPresent() ? Duration.ofSeconds(60) : Duration.ZERO;
        long deadline = System.nanoTime() + wait.toNanos();
        while (!Files.exists(data) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        if (!Files.exists(data)) {
            if (!wait.isZero()) {
                throw new IOException("booted from disk, but no partition labelled kubermesh-data appeared in " + wait.toSeconds() + " s");
            }
            say("no kubermesh disk");
            return false;
        }
        String dev = data.toRealPath().toString();
        sys.run(HostRequirements.E2FSCK.args("-p", dev));
        Files.createDirectories(Path.of(NodeLayout.STATE));
        sys.run(HostRequirements.MOUNT.args("-t", "ext4", "-o", "noatime", dev, NodeLayout.STATE));
        say("data partition " + dev + " mounted on " + NodeLayout.STATE);
        if (Files.exists(esp)) {
            Files.createDirectories(Path.of(NodeLayout.ESP));
            sys.run(HostRequirements.MOUNT.args("-t", "vfat", "-o", "umask=0077", esp.toRealPath().toString(), NodeLayout.ESP));
            say("ESP " + esp.toRealPath() + " mounted on " + NodeLayout.ESP);
        }
        return true;
    }

    /**
     * Brings the mesh ports up, waits for the neighbour's router advertisement (its on-link /126
     * route tells which port the server is on), takes the last pool address of that /126 (what
     * DHCPv6 would hand out on this cable; the neighbour's boot server names the port from it and
     * serves the config only there) and fetches the Ignition config, until it answers.
     */
    private String fetchIgnition(KernelCommandLine cmd) throws IOException, InterruptedException {
        String url = cmd.get(KernelCommandLine.IGNITION_URL).orElseThrow();
        List<String> ports = sys.meshPorts();
        for (String p : ports) {
            sys.run(HostRequirements.IP.args("link", "set", p, "up"));
        }
        String server = java.net.URI.create(url).getHost().replace("[", "").replace("]", "");
        say("mesh ports " + ports + " up; waiting for the router advertisement of " + server);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String port = null;
        while (port == null && System.nanoTime() < deadline) {
            port = sys.onLinkPort(server);
            if (port == null) {
                Thread.sleep(500);
            }
        }
        if (port == null) {
            throw new IOException("no router advertisement with an on-link route to " + server + " in 5 minutes");
        }
        String address = poolAddress(server);
        sys.addAddress(address + "/126", port);
        temporary = new String[] {address + "/126", port};
        say("using " + address + " on " + port + "; fetching the Ignition config from " + url);
        String last = "";
        int tries = 0;
        while (System.nanoTime() < deadline) {
            tries++;
            try {
                String body = sys.get(url);
                say("Ignition config fetched (" + body.length() + " octets, try " + tries + ")");
                return body;
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).equals(last)) {
                    say("waiting for " + url + ": " + e.getMessage());
                    last = String.valueOf(e.getMessage());
                }
                Thread.sleep(1000);
            }
        }
        throw new IOException("no Ignition config from " + url + " in 5 minutes: " + last);
    }

    /** The address the setup uses while it talks to its neighbour, removed before the agent starts. */
    private String[] temporary;

    /** The last pool address of the port /126 whose this-end is {@code server} (this end + 3). */
    static String poolAddress(String server) throws IOException {
        byte[] b;
        try {
            b = io.kubermesh.api.Ipv6Address.parse(server).toBytes();
        } catch (RuntimeException e) {
            throw new IOException(server + " is not an IPv6 address");
        }
        if ((b[15] & 3) != 0) {
            throw new IOException(server + " is not the this-end address of a port /126");
        }
        b[15] = (byte) (b[15] | 3);
        return io.kubermesh.api.Ipv6Address.fromBytes(b).toString();
    }

    /**
     * Partitions the first disk (ESP of {@value #INSTALL_ESP_MIB} MiB, data on the rest), puts
     * systemd-boot and the neighbour's kernel and initrd on the ESP and the Ignition config on the
     * data partition, and mounts both as a disk boot would.
     */
    private boolean install(KernelCommandLine cmd, String ignitionJson) throws IOException, InterruptedException {
        Optional<InstallTarget.Disk> target = InstallTarget.choose(sys.disks());
        String server = cmd.get(KernelCommandLine.SERVER).orElseThrow(() ->
                new IOException("netbooted without " + KernelCommandLine.SERVER + " on the kernel command line"));
        if (target.isEmpty()) {
            say("no disk of at least " + (InstallTarget.MIN_BYTES >> 30) + " GiB: running from memory only, state in RAM");
            Path assets = Files.createDirectories(Path.of(NodeLayout.STATE, NodeLayout.ASSETS, "kubermesh"));
            download(server, assets);
            return false;
        }
        InstallTarget.Disk d = target.get();
        say("installing on " + d.device() + " (" + (d.bytes() >> 20) + " MiB)");
        var layout = new io.kubermesh.image.build.DiskLayout(INSTALL_ESP_MIB * io.kubermesh.image.build.DiskLayout.MIB,
                64 * io.kubermesh.image.build.DiskLayout.MIB);
        sys.run(HostRequirements.WIPEFS.args("-a", "-q", d.device()));
        sys.runWithInput(layout.sfdiskScript(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(), true), HostRequirements.SFDISK.args("-q", d.device()));
        sys.run(HostRequirements.UDEVADM.args("settle", "--timeout=30"));
        sys.run(HostRequirements.MKFS_VFAT.args("-F", "32", "-n", "KUBERMESH", d.partition(1)));
        sys.run(HostRequirements.MKFS_EXT4.args("-q", "-F", "-L", "kmdata", d.partition(2)));
        Files.createDirectories(Path.of(NodeLayout.ESP));
        Files.createDirectories(Path.of(NodeLayout.STATE));
        sys.run(HostRequirements.MOUNT.args("-t", "vfat", "-o", "umask=0077", d.partition(1), NodeLayout.ESP));
        Path esp = Path.of(NodeLayout.ESP);
        Files.createDirectories(esp.resolve("EFI/BOOT"));
        Files.createDirectories(esp.resolve("loader/entries"));
        Files.copy(Path.of("/usr/lib/systemd/boot/efi/systemd-bootx64.efi"), esp.resolve(io.kubermesh.image.build.EspContents.BOOT_LOADER));
        Files.writeString(esp.resolve("loader/loader.conf"), io.kubermesh.image.build.EspContents.loaderConf());
        Files.writeString(esp.resolve("loader/entries/kubermesh.conf"), io.kubermesh.image.build.EspContents.entry());
        download(server, Files.createDirectories(esp.resolve("kubermesh")));
        sys.run(HostRequirements.MOUNT.args("-t", "ext4", "-o", "noatime", d.partition(2), NodeLayout.STATE));
        Path saved = Path.of(NodeLayout.STATE, NodeLayout.IGNITION_FILE);
        Files.deleteIfExists(saved);
        Files.createFile(saved, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(saved, ignitionJson);
        // The data partition now covers the in-memory state directory: the Ignition files that
        // live there (the credentials under pki/) are written again onto it, or the agent would
        // find no certificate and no routing key (found by NetbootInstallIT, whose ground LibvirtLabIT now covers).
        List<String> again = IgnitionApplier.reapplyUnder(IgnitionConfig.parse(ignitionJson), NodeLayout.STATE, Path.of("/"));
        say("written again onto the data partition: " + again);
        sys.run(HostRequirements.SYNC.args());
        say("installed on " + d.device() + ": " + d.partition(1) + " ESP, " + d.partition(2) + " data; keeps running from memory");
        return true;
    }

    static final long INSTALL_ESP_MIB = 1024;

    /** The netboot image from the neighbour: the same kernel and initrd iPXE loaded. */
    private void download(String server, Path dir) throws IOException, InterruptedException {
        for (String name : List.of("vmlinuz", "initrd.img")) {
            long t = System.nanoTime();
            long size = sys.download(server + "/assets/kubermesh/" + name, dir.resolve(name));
            say(String.format(java.util.Locale.ROOT, "fetched %s (%d octets, %.1f s)", name, size, (System.nanoTime() - t) / 1e9));
        }
    }

    private void phoneHome(KernelCommandLine cmd, String state) throws IOException, InterruptedException {
        String server = cmd.get(KernelCommandLine.SERVER).orElse(null);
        Path env = Path.of("/etc/kubermesh/machine.env");
        if (server == null || !Files.isRegularFile(env)) {
            say("no phone-home: " + (server == null ? "no " + KernelCommandLine.SERVER : "no " + env));
            return;
        }
        String mac = Files.readAllLines(env).stream().filter(l -> l.startsWith("KUBERMESH_MAC=")).findFirst()
                .map(l -> l.substring("KUBERMESH_MAC=".length()).strip()).orElseThrow(() -> new IOException(env + " has no KUBERMESH_MAC"));
        // The Ignition config carries the phone-home URL with this boot's secret; the server
        // refuses one without it (issue 15). Older servers gave none: then the plain URL.
        Path given = Path.of(PHONE_HOME_FILE);
        String url = phoneHomeUrl(Files.isRegularFile(given) ? Files.readString(given) : null, server, mac);
        String answer = postUntilAnswered(sys, url, "{\"state\":\"" + state + "\"}", PHONE_HOME_WITHIN, this::say);
        say("phoned home " + state + " as " + mac + ": " + answer.lines().filter(l -> l.contains("\"state\"")).findFirst()
                .orElse(answer.strip()).strip());
    }

    /** How long a phone-home is asked again while the neighbour cannot answer. */
    static final Duration PHONE_HOME_WITHIN = Duration.ofMinutes(5);

    /**
     * Posts {@code json} to {@code url} until the server takes it. A neighbour that cannot answer
     * yet (a 5xx: its machine directory, etcd, did not answer in time; no connection, a time-out
     * or a broken connection) is asked again every second for up to {@code within}, each new reason said once; a refusal
     * (4xx: a wrong secret, an unknown machine) fails at once, since asking again cannot change it.
     */
    static String postUntilAnswered(NodeSystem sys, String url, String json, Duration within,
                                    java.util.function.Consumer<String> say) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        for (int tries = 1; ; tries++) {
            try {
                String answer = sys.post(url, json);
                if (tries > 1) {
                    say.accept("POST " + url + " answered at try " + tries);
                }
                return answer;
            } catch (IOException e) {
                if (e instanceof NodeSystem.HttpStatusException h && !h.transient5xx()) {
                    throw e;
                }
                last = retrying(say, last, e);
            }
            if (System.nanoTime() >= deadline) {
                throw new IOException("POST " + url + ": no answer in " + within.toSeconds() + " s: " + last);
            }
            Thread.sleep(1000);
        }
    }

    private static String retrying(java.util.function.Consumer<String> say, String last, IOException e) {
        String why = String.valueOf(e.getMessage());
        if (!why.equals(last)) {
            say.accept("asking again every second: " + why);
        }
        return why;
    }

    /** The URL the Ignition config gave ({@code given}, with the boot secret), else the plain one of {@code server}. */
    static String phoneHomeUrl(String given, String server, String mac) {
        return given != null && !given.isBlank() ? given.strip() : server + "/machines/" + mac + "/phone-home";
    }

    /** Binds the ESP's kubermesh/ (kernel, initrd) into the agent's assets, so this node serves the OS it runs. */
    private void serveNetbootImage(KernelCommandLine cmd, boolean hasEsp) throws IOException {
        Path assets = Path.of(NodeLayout.STATE, NodeLayout.ASSETS, "kubermesh");
        Path source = Path.of(NodeLayout.ESP, "kubermesh");
        if (!hasEsp || !Files.isDirectory(source)) {
            say(Files.isRegularFile(assets.resolve("initrd.img")) ? "serving the netboot image from memory (" + assets + ")"
                    : "no netboot image to serve");
            return;
        }
        Files.createDirectories(assets);
        try (Stream<Path> s = Files.list(assets)) {
            if (s.findAny().isPresent() && !sys.isMountPoint(assets)) {
                say("replacing the netboot image in " + assets + " by the ESP's");
            }
        }
        if (!sys.isMountPoint(assets)) {
            sys.run(HostRequirements.MOUNT.args("--bind", "-o", "ro", source.toString(), assets.toString()));
        }
        say("serving the netboot image of " + source + " at /assets/kubermesh/");
    }

    /** Where the boot services' Ignition config puts this machine's phone-home URL. */
    static final String PHONE_HOME_FILE = io.kubermesh.boot.machine.IgnitionRenderer.PHONE_HOME_FILE;

    /** A console line; a boot secret in it (an Ignition or phone-home URL) is shown redacted. */
    static String redacted(String line) {
        return line.replaceAll("secret=[0-9A-Za-z%._~-]*", "secret=<redacted>");
    }

    private void say(String line) {
        line = redacted(line);
        if (summary == null) {
            summary = line;
        }
        if (line.startsWith("FAILED: ")) {
            failure = line.substring("FAILED: ".length());
        }
        console.println("kubermesh-setup: " + line);
        console.flush();
    }

    public static String hosts(String hostname) {
        return "127.0.0.1 localhost\n127.0.1.1 " + hostname + "\n::1 localhost ip6-localhost ip6-loopback\n";
    }

    static List<String> sorted(List<String> in) {
        List<String> l = new ArrayList<>(in);
        l.sort(null);
        return l;
    }
}
