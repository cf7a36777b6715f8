package io.kubermesh.cli;

import static io.kubermesh.cli.AttackLab.A0;
import static io.kubermesh.cli.AttackLab.A1;
import static io.kubermesh.cli.AttackLab.B0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15's attack suite against the boot services as an operator runs them
 * ({@code kubermesh boot serve}, see {@link AttackLab}): real curl and tftp-hpa clients and a
 * script of raw sockets in a client namespace. Each case failed on the boot services before the
 * issue's fixes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootAttackIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VICTIM = "52:54:00:a7:00:99";
    static Path dir;
    static AttackLab lab;
    static String script;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("BootAttackIT needs root (network namespaces)");
        }
        for (String[] b : List.of(new String[] {"curl", "curl"}, new String[] {"tftp", "tftp-hpa"},
                new String[] {"python3", "python3"}, new String[] {"ss", "iproute2"})) {
            if (List.of("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/").stream().noneMatch(d -> Files.isExecutable(Path.of(d + b[0])))) {
                fail(b[0] + " is missing: apt-get install -y " + b[1]);
            }
        }
        if (!Files.isRegularFile(Path.of("/usr/lib/ipxe/snponly.efi"))) {
            fail("/usr/lib/ipxe/snponly.efi is missing: apt-get install -y ipxe");
        }
        dir = Files.createTempDirectory("kmbt-attack");
        lab = new AttackLab(dir);
        lab.create();
        lab.startServer();
        // The victim: a machine on A's port 0 that asks for its installer.
        script = curl(A0.pool().get(0).toString(), A0.thisEnd().toString(),
                "/ipxe?mac=" + VICTIM + "&uuid=victim-uuid&buildarch=x86_64&serial=S1").body;
        assertThat(script).contains("kernel assets/kubermesh/vmlinuz");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Response(int status, String body) {
    }

    static Response curl(String from, String to, String path, String... extra) throws Exception {
        List<String> c = new ArrayList<>(List.of("curl", "-sS", "-g", "-m", "20", "-o", "-", "-w", "\n%{http_code}",
                "--interface", from));
        c.addAll(List.of(extra));
        c.add("http://[" + to + "]:8080" + path);
        String out = lab.client(c.toArray(String[]::new));
        int nl = out.lastIndexOf('\n');
        return new Response(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, nl));
    }

    static JsonNode operatorView() throws Exception {
        return JSON.readTree(AttackLab.ok("ip", "netns", "exec", AttackLab.SERVER, "curl", "-sS", "-g",
                "http://[::1]:8080/machines/" + VICTIM));
    }

    @Test
    @Order(1)
    void fromNodeBsPortKNodeAsIgnitionAndPhoneHomeAreRefused() throws Exception {
        Matcher ignition = Pattern.compile("ignition\\.config\\.url=http://\\[[^]]+\\]:8080(\\S+)").matcher(script);
        assertThat(ignition.find()).as(script).isTrue();
        String ownPath = ignition.group(1);
        String attacker = B0.pool().get(0).toString();
        // The same port index on another node: B's port 0, routed to A over A's port-1 link.
        for (String path : List.of("/ignition?mac=" + VICTIM, ownPath)) {
            Response r = curl(attacker, A1.thisEnd().toString(), path);
            assertThat(r.status()).as("Ignition of A's port-0 machine from B's port 0: %s", path).isEqualTo(403);
            assertThat(r.body()).doesNotContain("join-token");
        }
        String home = ownPath.replace("/ignition?mac=" + VICTIM, "/machines/" + VICTIM + "/phone-home?")
                .replace("?&", "?");
        Response phone = curl(attacker, A1.thisEnd().toString(), home, "-X", "POST", "-d", "{\"state\":\"installed\"}");
        assertThat(phone.status()).as("phone-home from B's port 0").isEqualTo(403);
        assertThat(operatorView().path("state").asText()).isEqualTo("installing");
        // and the machine itself, on its own port, gets it
        assertThat(curl(A0.pool().get(0).toString(), A0.thisEnd().toString(), ownPath).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aRecordChangeFromAnotherPortIsRefused() throws Exception {
        JsonNode before = operatorView();
        Response r = curl(A1.pool().get(0).toString(), A1.thisEnd().toString(),
                "/ipxe?mac=" + VICTIM + "&uuid=forged&buildarch=arm64&serial=forged");
        assertThat(r.status()).as("the victim's chain asked from port 1: %s", r.body()).isIn(403, 409);
        JsonNode after = operatorView();
        assertThat(after.path("uuid").asText()).isEqualTo("victim-uuid");
        assertThat(after.path("port").asText()).isEqualTo("cluster0");
        assertThat(after).isEqualTo(before);
        assertThat(curl(A1.pool().get(0).toString(), A1.thisEnd().toString(), "/machines").status())
                .as("the machine list is not for the mesh").isEqualTo(403);
    }

    @Test
    @Order(3)
    void stalledBodiesAndUnreadResponsesAreClosedWithinTheDeadlinesWhileOthersAreServed() throws Exception {
        long heapBefore = lab.heapUsedKib();
        Process attack = lab.attack("http-stall", "--target", A0.thisEnd().toString(), "--sources",
                String.join(",", AttackLab.floodSources(8)), "--bodies", "120", "--unread", "256", "--mac", VICTIM,
                "--asset", "/assets/big.bin", "--watch", "45");
        try {
            JsonNode opened = JSON.readTree(AttackLab.firstLine(attack));
            assertThat(opened.path("opened").asInt()).isEqualTo(376);
            long start = System.nanoTime();
            // Another client is served at once while the attack holds its connections.
            long t0 = System.nanoTime();
            assertThat(curl(A0.pool().get(0).toString(), A0.thisEnd().toString(), "/boot.ipxe").status()).isEqualTo(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("served while under attack").isLessThan(5000);
            long heapDuring = lab.heapUsedKib();
            // Every attacking connection is closed by the server within its deadlines (body 10 s, a
            // response that does not move 15 s), long before the attacker lets go at 45 s.
            int established = lab.establishedHttp();
            while (established > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(32)) {
                Thread.sleep(500);
                established = lab.establishedHttp();
            }
            assertThat(established).as("attacking connections still open after 32 s").isZero();
            assertThat(heapDuring - heapBefore).as("heap growth under attack, KiB").isLessThan(16 * 1024);
            assertThat(lab.server.isAlive()).isTrue();
            assertThat(curl(A0.pool().get(0).toString(), A0.thisEnd().toString(), "/boot.ipxe").status()).isEqualTo(200);
        } finally {
            attack.destroyForcibly();
        }
    }

    @Test
    @Order(4)
    void tftpRequestsNeverAcknowledgedDoNotStarveARealClient() throws Exception {
        Process flood = lab.attack("tftp-flood", "--target", A0.thisEnd().toString(), "--sources",
                String.join(",", AttackLab.floodSources(17)), "--per-source", "16", "--count", "257", "--file", "big.bin",
                "--hold", "15");
        try {
            long start = System.nanoTime();
            JsonNode answers = JSON.readTree(AttackLab.firstLine(flood)).path("answers");
            assertThat(answers).hasSize(257);
            assertThat(answers.get(256).asText()).as("the 257th request").startsWith("ERROR");
            // tftp-hpa from the victim's address, retried until served: within 10 s of the flood.
            Path got = dir.resolve("real.efi");
            boolean served = false;
            while (!served && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                Files.deleteIfExists(got);
                try {
                    lab.client("tftp", "-6", A0.thisEnd().toString(), "-m", "binary", "-c", "get", "snponly.efi",
                            got.toString());
                    served = Files.exists(got) && Files.size(got) == Files.size(Path.of("/usr/lib/ipxe/snponly.efi"));
                } catch (IllegalStateException e) {
                    Thread.sleep(500);
                }
            }
            assertThat(served).as("tftp-hpa served within 10 s of 257 unacknowledged requests").isTrue();
            assertThat(got).hasSameBinaryContentAs(Path.of("/usr/lib/ipxe/snponly.efi"));
        } finally {
            flood.destroyForcibly();
        }
    }

    static JsonNode dhcp6(String... args) throws Exception {
        Process p = lab.attack(args);
        String line = AttackLab.firstLine(p);
        p.waitFor(60, TimeUnit.SECONDS);
        return JSON.readTree(line);
    }

    static String leases() throws Exception {
        StringBuilder b = new StringBuilder();
        for (String port : List.of("port0", "port1")) {
            Path f = dir.resolve("state/boot/dhcp6/" + port + "/dhcp6.leases");
            if (Files.exists(f)) {
                b.append(Files.readString(f));
            }
        }
        return b.toString();
    }

    @Test
    @Order(5)
    void unicastAndRoutedSolicitsWithRotatingDuidsGetNoLease() throws Exception {
        JsonNode unicast = dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", A0.thisEnd().toString(), "--count", "12",
                "--rotate", "--rapid", "--wait", "0.3");
        assertThat(unicast.path("replies").asInt()).as("unicast Solicits answered").isZero();
        // from node B's port 0, routed to A: arrives on A's port-1 link for A's port-1 address
        JsonNode routed = dhcp6("dhcp6", "--iface", "kmbtC1", "--source", B0.pool().get(0).toString(), "--dest",
                A1.thisEnd().toString(), "--count", "12", "--rotate", "--rapid", "--wait", "0.3");
        assertThat(routed.path("replies").asInt()).as("Solicits routed from node B's port 0 answered").isZero();
        assertThat(leases()).as("no lease for a rotating DUID (02a70000....)").doesNotContain("0003000102a70000");
        // while a client on the link, multicasting as RFC 8415 says, is answered
        JsonNode onLink = dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", "ff02::1:2", "--count", "1", "--wait", "3");
        assertThat(onLink.path("replies").asInt()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void aReadOnlyLeaseDirectoryIsLoggedAndLaterSolicitsAreAnswered() throws Exception {
        Path leaseDir = dir.resolve("state/boot/dhcp6/port0");
        Files.createDirectories(leaseDir);
        // in the server's own mount namespace (ip netns exec gave it one): a remount does not propagate
        lab.inServerMounts("mount", "--bind", leaseDir.toString(), leaseDir.toString());
        try {
            lab.inServerMounts("mount", "-o", "remount,bind,ro", leaseDir.toString());
            JsonNode rapid = dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", "ff02::1:2", "--count", "1", "--rotate",
                    "--rapid", "--wait", "2");
            assertThat(rapid.path("replies").asInt()).as("nothing promised that is not on disk").isZero();
            assertThat(lab.log()).contains("lease store failed");
            JsonNode later = dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", "ff02::1:2", "--count", "3", "--wait", "2");
            assertThat(later.path("replies").asInt()).as("later Solicits answered").isEqualTo(3);
        } finally {
            lab.inServerMounts("umount", leaseDir.toString());
        }
        JsonNode rapid = dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", "ff02::1:2", "--count", "1", "--rapid", "--wait", "3");
        assertThat(rapid.path("replies").asInt()).as("and once the disk takes writes, leases again").isEqualTo(1);
    }

    @Test
    @Order(7)
    void aNewlineInATftpFileNameOrADhcp6UserClassStaysOnItsLogLine() throws Exception {
        Process t = lab.attack("tftp-name", "--target", A0.thisEnd().toString(), "--name", "evil\\nFAKE-TFTP-LINE");
        AttackLab.firstLine(t);
        dhcp6("dhcp6", "--iface", "kmbtC0", "--dest", "ff02::1:2", "--count", "1", "--user-class",
                "iPXE\\nFAKE-DHCP-LINE", "--wait", "2");
        Thread.sleep(500);
        List<String> lines = lab.log().lines().toList();
        for (String fake : List.of("FAKE-TFTP-LINE", "FAKE-DHCP-LINE")) {
            List<String> with = lines.stream().filter(l -> l.contains(fake)).toList();
            assertThat(with).as(fake).hasSize(1);
            assertThat(with.get(0)).as(fake).contains("\\x0a" + fake).doesNotStartWith(fake);
        }
    }
}
