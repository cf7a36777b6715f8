package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The mesh {@link BootAttackIT} attacks: {@code kubermesh boot serve} for node A in namespace
 * kmbt-asrv serving port 0 on kmbtA0 and port 1 on kmbtA1; namespace kmbt-acli on the other ends
 * (kmbtC0, kmbtC1) holds a pool address of A's port 0 (the victim machine), a pool address of A's
 * port 1 (a machine on another port), an address from node B's port-0 pool on the port-1 link
 * (what node A sees of a device on B's port 0: it is routed to A through the mesh) and 17
 * addresses of 2001:db8:ffff::/64 on the port-0 link (flood sources). Removed on close, after a
 * failure too.
 */
final class AttackLab implements AutoCloseable {
    static final String SERVER = "kmbt-asrv";
    static final String CLIENT = "kmbt-acli";
    static final MacAddress NODE_A = MacAddress.parse("52:54:00:a7:00:0a");
    static final MacAddress NODE_B = MacAddress.parse("52:54:00:a7:00:0b");
    static final AddressPlan PLAN = new AddressPlan(ClusterConfig.seed());
    static final PortPrefix A0 = PLAN.port(NODE_A, 0);
    static final PortPrefix A1 = PLAN.port(NODE_A, 1);
    static final PortPrefix B0 = PLAN.port(NODE_B, 0);
    static final String FLOOD_PREFIX = "2001:db8:ffff::";

    final Path dir;
    Process server;
    Path serverLog;

    AttackLab(Path dir) {
        this.dir = dir;
    }

    static List<String> floodSources(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(FLOOD_PREFIX + Integer.toHexString(0x100 + i));
        }
        return out;
    }

    void create() throws Exception {
        destroy();
        ok("ip", "netns", "add", SERVER);
        ok("ip", "netns", "add", CLIENT);
        for (String ns : List.of(SERVER, CLIENT)) {
            ok("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
            ok("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
            ok("ip", "-n", ns, "link", "set", "lo", "up");
        }
        for (int i = 0; i < 2; i++) {
            ok("ip", "-n", SERVER, "link", "add", "kmbtA" + i, "type", "veth", "peer", "name", "kmbtC" + i, "netns", CLIENT);
            ok("ip", "-n", CLIENT, "link", "set", "kmbtC" + i, "up");
        }
        client("ip", "-6", "addr", "add", A0.pool().get(0) + "/126", "dev", "kmbtC0", "nodad");
        client("ip", "-6", "addr", "add", A1.pool().get(0) + "/126", "dev", "kmbtC1", "nodad");
        client("ip", "-6", "addr", "add", B0.pool().get(0) + "/128", "dev", "kmbtC1", "nodad");
        for (String a : floodSources(17)) {
            client("ip", "-6", "addr", "add", a + "/64", "dev", "kmbtC0", "nodad");
        }
    }

    /** Starts boot serve (96 MiB of heap, as a lab agent) and the routes it needs back to the clients. */
    void startServer() throws Exception {
        Files.createDirectories(dir.resolve("assets"));
        byte[] big = new byte[8 << 20];
        new java.util.Random(3).nextBytes(big);
        Files.write(dir.resolve("assets/big.bin"), big);
        Path tftp = Files.createDirectories(dir.resolve("tftp"));
        Files.write(tftp.resolve("big.bin"), big);
        Files.copy(Path.of("/usr/lib/ipxe/snponly.efi"), tftp.resolve("snponly.efi"));
        serverLog = dir.resolve("boot-serve.log");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = List.of("ip", "netns", "exec", SERVER, Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx96m", "-cp", cp, Kubermesh.class.getName(), "boot", "serve", "--profile", "seed",
                "--identity", NODE_A.toString(), "--interface", "kmbtA0:0", "--interface", "kmbtA1:1",
                "--state", dir.resolve("state").toString(), "--assets", dir.resolve("assets").toString(),
                "--tftp-root", tftp.toString());
        server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!log().contains("serving 2 port(s)")) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("boot serve did not start:\n" + log());
            }
            Thread.sleep(100);
        }
        // The mesh's routes back: node B's port 0 lies beyond the port-1 link, the flood prefix on port 0's.
        ok("ip", "-n", SERVER, "-6", "route", "add", B0.prefix().toString(), "dev", "kmbtA1");
        ok("ip", "-n", SERVER, "-6", "route", "add", FLOOD_PREFIX + "/64", "dev", "kmbtA0");
    }

    String log() throws IOException {
        return Files.readString(serverLog);
    }

    /** ESTABLISHED connections to the HTTP port in the server namespace. */
    int establishedHttp() throws Exception {
        String out = ok("ip", "netns", "exec", SERVER, "ss", "-Htn", "state", "established", "( sport = :8080 )");
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /** Heap used by the server after a full GC, in KiB (jcmd). */
    long heapUsedKib() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        ok(jcmd, Long.toString(server.pid()), "GC.run");
        String info = ok(jcmd, Long.toString(server.pid()), "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            fail("no heap figure in: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    /** A command in the server process's mount namespace. */
    String inServerMounts(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("nsenter", "-t", Long.toString(server.pid()), "-m", "--"));
        c.addAll(List.of(command));
        return ok(c.toArray(String[]::new));
    }

    String client(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", CLIENT));
        c.addAll(List.of(command));
        return ok(c.toArray(String[]::new));
    }

    /** The attack script, run in the client namespace; its JSON line. */
    Process attack(String... args) throws Exception {
        Path script = dir.resolve("boot-attack.py");
        if (!Files.exists(script)) {
            try (InputStream in = AttackLab.class.getResourceAsStream("/boot-attack.py")) {
                Files.copy(in, script);
            }
        }
        List<String> c = new ArrayList<>(List.of("timeout", "120", "ip", "netns", "exec", CLIENT, "python3", script.toString()));
        c.addAll(List.of(args));
        return new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    static String firstLine(Process p) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = p.getInputStream().read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString();
    }

    static String ok(String... command) throws IOException, InterruptedException {
        List<String> bounded = new ArrayList<>(List.of("timeout", "--kill-after=5", "60"));
        bounded.addAll(List.of(command));
        Process p = new ProcessBuilder(bounded).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    static void destroy() {
        for (String ns : List.of(SERVER, CLIENT)) {
            if (NetworkNamespaces.exists(ns)) {
                NetworkNamespaces.delete(ns);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null) {
                server.destroy();
                server.waitFor(20, TimeUnit.SECONDS);
                server.destroyForcibly();
                if (serverLog != null && Files.exists(serverLog)) {
                    Files.createDirectories(Path.of("target", "it-logs"));
                    Files.copy(serverLog, Path.of("target", "it-logs", "boot-attack-" + System.nanoTime() + ".log"));
                }
            }
        } finally {
            destroy();
        }
    }
}
