package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubermesh boot serve} as an operator runs it: a forked JVM under {@code ip netns exec} in
 * namespace kmbs-srv serves port 2 of node 52:54:00:bb:00:01 on veth kmbs0a; from kmbs-cli (the
 * other end, kmbs0b) real clients boot against it: {@code dhclient -6}, tftp-hpa over the global
 * and the link-local address, curl for the iPXE chain. The exchange log has one line per exchange,
 * and SIGTERM takes away exactly what the server added.
 */
class BootServeIT {
    private static final String SERVER = "kmbs-srv";
    private static final String CLIENT = "kmbs-cli";
    private static final String SERVER_LINK = "kmbs0a";
    private static final String CLIENT_LINK = "kmbs0b";
    private static final MacAddress NODE = MacAddress.parse("52:54:00:bb:00:01");
    private static final PortPrefix PORT = new AddressPlan(ClusterConfig.seed()).port(NODE, 2);
    private static final Path SNPONLY = Path.of("/usr/lib/ipxe/snponly.efi");

    @TempDir
    Path tmp;
    private Process server;
    private Path serverLog;
    private final List<Process> clients = new ArrayList<>();

    record Result(int exit, String out) {
    }

    @BeforeEach
    void namespaces() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("BootServeIT needs root (network namespaces)");
        }
        require("ip", "iproute2");
        require("dhclient", "isc-dhcp-client");
        require("tftp", "tftp-hpa");
        require("curl", "curl");
        if (!Files.isRegularFile(SNPONLY)) {
            fail(SNPONLY + " is missing: apt-get install -y ipxe");
        }
        cleanUp();
        ok("ip", "netns", "add", SERVER);
        ok("ip", "netns", "add", CLIENT);
        // The client skips DAD so dhclient can bind at once; the server keeps it, as a real host does,
        // so boot serve meets a tentative link-local.
        ok("ip", "netns", "exec", CLIENT, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
        ok("ip", "netns", "exec", CLIENT, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
        ok("ip", "-n", SERVER, "link", "set", "lo", "up");
        ok("ip", "-n", CLIENT, "link", "set", "lo", "up");
        ok("ip", "-n", SERVER, "link", "add", SERVER_LINK, "type", "veth", "peer", "name", CLIENT_LINK, "netns", CLIENT);
        // The server end stays down: boot serve sets it up, so the client has no carrier before it serves.
        ok("ip", "-n", CLIENT, "link", "set", CLIENT_LINK, "up");
    }

    @AfterEach
    void cleanUp() {
        clients.forEach(p -> stop(p, 5));
        clients.clear();
        if (server != null) {
            stop(server, 20);
        }
        for (String ns : List.of(SERVER, CLIENT)) {
            if (NetworkNamespaces.exists(ns)) {
                NetworkNamespaces.delete(ns);
            }
        }
    }

    @Test
    void realClientsBootFromItAndSigtermRemovesTheAddressItAdded() throws Exception {
        startServer();
        assertThat(ok("ip", "-n", SERVER, "-6", "addr", "show", "dev", SERVER_LINK))
                .contains(PORT.thisEnd() + "/126").contains("deprecated").contains("nodad");

        // Router advertisements: the client learns the port /126 as on-link (a prefix route that expires).
        awaitInClient("ip -6 route show " + PORT.prefix(), "expires", 20);

        // DHCPv6: an address from port 2's pool and the boot file URL (option 59).
        String lease = dhclient();
        assertThat(lease).containsPattern("iaaddr (" + PORT.pool().stream().map(Object::toString)
                .map(Pattern::quote).reduce((a, b) -> a + "|" + b).orElseThrow() + ") ");
        assertThat(lease).contains("option dhcp6.bootfile-url \"tftp://[" + PORT.thisEnd() + "]/snponly.efi\"");
        String client = lease.replaceAll("(?s).*iaaddr (\\S+) .*", "$1");
        awaitInClient("ip -6 addr show dev " + CLIENT_LINK, client, 10);

        // TFTP (tftp-hpa) over the global and the link-local address.
        String serverLinkLocal = ok("ip", "-n", SERVER, "-6", "addr", "show", "dev", SERVER_LINK, "scope", "link")
                .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1");
        Path viaGlobal = tmp.resolve("global.efi");
        Path viaLinkLocal = tmp.resolve("linklocal.efi");
        inClient(60, "tftp", "-6", PORT.thisEnd().toString(), "-m", "binary", "-c", "get", "snponly.efi",
                viaGlobal.toString());
        inClient(60, "tftp", "-6", serverLinkLocal + "%" + CLIENT_LINK, "-m", "binary", "-c", "get", "snponly.efi",
                viaLinkLocal.toString());
        assertThat(viaGlobal).hasSameBinaryContentAs(SNPONLY);
        assertThat(viaLinkLocal).hasSameBinaryContentAs(SNPONLY);

        // HTTP: boot.ipxe, the per-MAC chain, and the machine API over the link-local address.
        String base = "http://[" + PORT.thisEnd() + "]:8080";
        assertThat(inClient(30, "curl", "-sSf", "-g", base + "/boot.ipxe").out())
                .startsWith("#!ipxe").contains("chain ipxe?mac=${mac:hexhyp}");
        assertThat(inClient(30, "curl", "-sSf", "-g", base + "/ipxe?mac=52-54-00-bb-00-02&uuid=it&buildarch=x86_64").out())
                .startsWith("#!ipxe").contains("installing profile kubermesh on 52:54:00:bb:00:02 (port cluster2)")
                .contains("kernel assets/kubermesh/vmlinuz");
        assertThat(inClient(30, "curl", "-sS", "-g", "-o", "/dev/null", "-w", "%{http_code}",
                "http://[" + serverLinkLocal + "%25" + CLIENT_LINK + "]:8080/machines").out())
                .as("the machine list is for the node and its operator, not the mesh").isEqualTo("403");
        assertThat(ok("ip", "netns", "exec", SERVER, "curl", "-sSf", "-g", "http://[::1]:8080/machines"))
                .contains("\"mac\" : \"52:54:00:bb:00:02\"").contains("\"port\" : \"cluster2\"");
        // The boot file over HTTP, as UEFI HTTP boot clients fetch it (the URL DHCPv6 gives architecture 16).
        Path viaHttp = tmp.resolve("http.efi");
        inClient(60, "curl", "-sSf", "-g", "-o", viaHttp.toString(), base + "/snponly.efi");
        assertThat(viaHttp).hasSameBinaryContentAs(SNPONLY);

        // One line per exchange, each with the client, the port, what it asked and what it got.
        // Socket addresses in the log are Java's text (no :: compression), the DHCPv6 ones RFC 5952.
        String javaClient = "\\[" + Pattern.quote(Ipv6Address.parse(client).toInetAddress().getHostAddress()) + "\\]";
        // The server writes an exchange's line once the response is out, which may be just after
        // curl has it: wait for the last exchange's line before reading the log.
        String log = awaitLog("HTTP /" + javaClient + ":\\d+ -> \\S+ port cluster2: GET /snponly.efi -> ", 10);
        assertThat(count(log, "dhcp6 port 2 client \\S+ duid \\S+ from fe80::\\S+: SOLICIT .* -> ADVERTISE ia_na \\d+ "
                + Pattern.quote(client) + " valid \\d+ bootfile tftp://\\[" + Pattern.quote(PORT.thisEnd().toString())
                + "\\]/snponly.efi")).as(log).isEqualTo(1);
        assertThat(count(log, "dhcp6 port 2 client .*: REQUEST .* -> REPLY ia_na \\d+ " + Pattern.quote(client)
                + " valid \\d+ bootfile tftp://")).as(log).isEqualTo(1);
        String tftp = "TFTP /%s:\\d+ -> \\S+ \\(port 2 on kmbs0a\\): RRQ snponly.efi \\(" + Files.size(SNPONLY)
                + " bytes\\) options .* granted .*: COMPLETE .*";
        assertThat(count(log, String.format(tftp, javaClient))).as(log).isEqualTo(1);
        assertThat(count(log, String.format(tftp, "\\[fe80:[0-9a-f:]+%\\d+\\]"))).as(log).isEqualTo(1);
        assertThat(count(log, "TFTP /\\[")).as("no other TFTP exchange: %s", log).isEqualTo(2);
        assertThat(count(log, "HTTP /" + javaClient + ":\\d+ -> \\S+ port cluster2: GET /boot.ipxe -> 200 \\(\\d+ bytes\\)"))
                .as(log).isEqualTo(1);
        assertThat(count(log, "HTTP /" + javaClient + ":\\d+ -> \\S+ port cluster2: GET /ipxe\\?mac=52-54-00-bb-00-02\\S* -> 200 "
                + "\\(\\d+ bytes\\) installer of profile kubermesh")).as(log).isEqualTo(1);
        assertThat(count(log, "HTTP /\\[fe80:\\S+ -> \\S+ port cluster2: GET /machines -> 403")).as(log).isEqualTo(1);
        assertThat(count(log, "HTTP /\\[0:0:0:0:0:0:0:1\\]:\\d+ -> \\S+ port none: GET /machines -> 200")).as(log).isEqualTo(1);
        assertThat(count(log, "HTTP /" + javaClient + ":\\d+ -> \\S+ port cluster2: GET /snponly.efi -> 200 \\("
                + Files.size(SNPONLY) + " bytes\\)")).as(log).isEqualTo(1);

        stopServer();
        assertThat(Files.readString(serverLog)).contains("removed " + PORT.thisEnd() + "/126 from " + SERVER_LINK);
        assertThat(ok("ip", "-n", SERVER, "-6", "addr", "show", "dev", SERVER_LINK)).doesNotContain(PORT.thisEnd().toString());
        assertThat(ok("ip", "-n", SERVER, "link", "show", SERVER_LINK)).as("set down again").doesNotContain(",UP");
    }

    @Test
    void aCablePluggedInAfterStartGetsTftpOnTheLinkLocalToo() throws Exception {
        ok("ip", "-n", CLIENT, "link", "set", CLIENT_LINK, "down");
        startServer();
        assertThat(Files.readString(serverLog)).contains("no usable link-local address yet");
        ok("ip", "-n", CLIENT, "link", "set", CLIENT_LINK, "up");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(serverLog).contains("TFTP serves it too")) {
            if (System.nanoTime() > deadline) {
                fail("TFTP never came to the link-local:\n" + Files.readString(serverLog));
            }
            Thread.sleep(100);
        }
        String serverLinkLocal = ok("ip", "-n", SERVER, "-6", "addr", "show", "dev", SERVER_LINK, "scope", "link")
                .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1");
        Path got = tmp.resolve("late.efi");
        inClient(60, "tftp", "-6", serverLinkLocal + "%" + CLIENT_LINK, "-m", "binary", "-c", "get", "snponly.efi",
                got.toString());
        assertThat(got).hasSameBinaryContentAs(SNPONLY);
        stopServer();
        assertThat(count(Files.readString(serverLog), "TFTP /\\[fe80:\\S+ -> \\S+ \\(port 2 on kmbs0a\\): RRQ snponly.efi "
                + "\\(\\d+ bytes\\) .*: COMPLETE")).isEqualTo(1);
    }

    @Test
    void anAddressThatWasThereBeforeStaysAfterServing() throws Exception {
        ok("ip", "-n", SERVER, "link", "set", SERVER_LINK, "up");
        ok("ip", "-n", SERVER, "-6", "addr", "add", PORT.thisEnd() + "/126", "dev", SERVER_LINK, "nodad");
        startServer();
        assertThat(Files.readString(serverLog)).contains(SERVER_LINK + " has " + PORT.thisEnd() + "/126 already");
        stopServer();
        assertThat(ok("ip", "-n", SERVER, "-6", "addr", "show", "dev", SERVER_LINK)).contains(PORT.thisEnd() + "/126");
        assertThat(ok("ip", "-n", SERVER, "link", "show", SERVER_LINK)).contains(",UP");
    }

    @Test
    void anInterfaceTheNamespaceLacksIsBadInputNamingTheOnesItHas() throws Exception {
        Result r = run(60, command(List.of("ip", "netns", "exec", SERVER), "--profile", "seed", "--identity",
                NODE.toString(), "--interface", "kmbs9z"));
        assertThat(r.exit()).as(r.out()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.out()).contains("--interface: 'kmbs9z'").contains("[kmbs0a, lo]");
    }

    /** SIGTERM, then SIGKILL if it is still there after {@code seconds}. */
    private static void stop(Process p, int seconds) {
        p.destroy();
        try {
            p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
    }

    private static List<String> command(List<String> prefix, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                Kubermesh.class.getName(), "boot", "serve"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void startServer() throws Exception {
        serverLog = tmp.resolve("boot-serve.log");
        List<String> cmd = command(List.of("ip", "netns", "exec", SERVER), "--profile", "seed", "--identity",
                NODE.toString(), "--interface", SERVER_LINK + ":2", "--state", tmp.resolve("state").toString(),
                "--assets", tmp.resolve("assets").toString());
        server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(serverLog).contains("serving 1 port(s)")) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                fail("boot serve did not start (exit " + (server.isAlive() ? "none" : server.exitValue()) + "):\n"
                        + Files.readString(serverLog));
            }
            Thread.sleep(100);
        }
        // A copy under target/ for whoever reads a failed build.
        Files.createDirectories(Path.of("target", "it-logs"));
    }

    private void stopServer() throws Exception {
        server.destroy(); // SIGTERM: ip netns exec has exec'd the JVM, so this is the JVM's PID
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("boot serve stops on SIGTERM").isTrue();
        Files.copy(serverLog, Path.of("target", "it-logs", "boot-serve-" + System.nanoTime() + ".log"));
    }

    /** dhclient -6 in the foreground until its lease file has an address; the lease text. */
    private String dhclient() throws Exception {
        Path conf = tmp.resolve("dhclient6.conf");
        Files.writeString(conf, "option dhcp6.bootfile-url code 59 = string;\nrequest dhcp6.bootfile-url;\n");
        Path leases = tmp.resolve("dhclient6.leases");
        Path log = tmp.resolve("dhclient.log");
        Process p = new ProcessBuilder("ip", "netns", "exec", CLIENT, "dhclient", "-6", "-1", "-d", "-v",
                "-cf", conf.toString(), "-lf", leases.toString(), "-pf", tmp.resolve("dhclient6.pid").toString(),
                CLIENT_LINK).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        clients.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(leases) && Files.readString(leases).contains("bootfile-url"))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                fail("dhclient got no lease:\n" + Files.readString(log) + "\nserver:\n" + Files.readString(serverLog));
            }
            Thread.sleep(100);
        }
        return Files.readString(leases);
    }

    private void awaitInClient(String command, String expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String out = "";
        while (System.nanoTime() < deadline) {
            out = ok(("ip netns exec " + CLIENT + " " + command).split(" "));
            if (out.contains(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        fail("'" + command + "' in " + CLIENT + " never showed " + expected + ": " + out + "\nserver:\n"
                + Files.readString(serverLog));
    }

    /** The server's log once a line matches {@code regex}; fails with the log after {@code seconds}. */
    private String awaitLog(String regex, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String log = Files.readString(serverLog);
        while (count(log, regex) == 0) {
            if (System.nanoTime() > deadline) {
                fail("no line matching " + regex + " within " + seconds + " s:\n" + log);
            }
            Thread.sleep(100);
            log = Files.readString(serverLog);
        }
        return log;
    }

    private static long count(String log, String regex) {
        Pattern p = Pattern.compile(regex);
        return log.lines().filter(l -> p.matcher(l).find()).count();
    }

    private Result inClient(int seconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", CLIENT));
        cmd.addAll(List.of(command));
        Result r = run(seconds, cmd);
        if (r.exit() != 0) {
            fail(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.out() + "\nserver:\n" + Files.readString(serverLog));
        }
        return r;
    }

    private static String ok(String... command) throws IOException, InterruptedException {
        Result r = run(60, List.of(command));
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    private static Result run(int seconds, List<String> command) throws IOException, InterruptedException {
        List<String> bounded = new ArrayList<>(List.of("timeout", "--kill-after=5", String.valueOf(seconds)));
        bounded.addAll(command);
        Process p = new ProcessBuilder(bounded).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + (seconds + 5) + " s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void require(String binary, String debianPackage) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return;
            }
        }
        fail(binary + " is missing: apt-get install -y " + debianPackage);
    }
}
