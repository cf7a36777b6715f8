package io.kubermesh.boot.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.Exec;
import io.kubermesh.boot.lab.JavaProcess;
import io.kubermesh.boot.lab.LabPorts;
import io.kubermesh.boot.lab.LabServerMain;
import io.kubermesh.boot.lab.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * curl in kmbt-cli against kubermesh's HTTP boot server in kmbt-srv. The server's veth carries
 * the this-end addresses of ports 0 and 1 of node {@link #NODE}; the client holds one pool
 * address of each, so picking the source address picks the port it "came in on".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootHttpServerIT {
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    static final String A = "52:54:00:aa:00:0a";
    static final String B = "52:54:00:aa:00:0b";
    static final ObjectMapper JSON = new ObjectMapper();
    static PortPrefix port0;
    static PortPrefix port1;
    static Path dir;
    static Path state;
    static Path assets;
    static NetnsLab lab;
    static JavaProcess server;

    @BeforeAll
    static void start() throws IOException {
        Exec.require("curl", "curl");
        port0 = LabPorts.seedPort(NODE, 0);
        port1 = LabPorts.seedPort(NODE, 1);
        dir = Files.createTempDirectory("kmbt-http");
        state = Files.createDirectory(dir.resolve("state"));
        assets = Files.createDirectory(dir.resolve("assets"));
        Files.createDirectories(state.resolve("groups"));
        Files.createDirectories(state.resolve("profiles"));
        Files.writeString(state.resolve("profiles/debian.json"), "{\"id\":\"debian\",\"kernel\":\"debian/vmlinuz\","
                + "\"initrd\":[\"debian/initrd.gz\"],\"args\":[\"console=ttyS0\",\"ignition.config.url={ignition}\"],"
                + "\"ignition\":{\"users\":[{\"name\":\"core\",\"sshAuthorizedKeys\":[\"ssh-ed25519 AAAAtest\"]}]}}");
        Files.writeString(state.resolve("groups/x86.json"), "{\"id\":\"x86\",\"profile\":\"debian\",\"selectors\":{\"arch\":\"x86_64\"}}");
        Files.createDirectories(assets.resolve("debian"));
        byte[] kernel = new byte[(64 << 20) + 3];
        new Random(7).nextBytes(kernel);
        Files.write(assets.resolve("debian/vmlinuz"), kernel);
        Files.writeString(assets.resolve("debian/initrd.gz"), "initrd");
        Files.writeString(dir.resolve("outside.txt"), "outside-secret");
        Files.createSymbolicLink(assets.resolve("escape"), dir.resolve("outside.txt"));
        lab = NetnsLab.create();
        for (PortPrefix p : List.of(port0, port1)) {
            lab.server(10, "ip", "addr", "add", p.thisEnd() + "/126", "dev", NetnsLab.SERVER_IF, "nodad").orThrow();
            lab.client(10, "ip", "addr", "add", p.pool().get(0) + "/126", "dev", NetnsLab.CLIENT_IF, "nodad").orThrow();
        }
        server = JavaProcess.start(NetnsLab.SERVER_NS, LabServerMain.class, Path.of("target", "it-logs", "http-server.log"),
                List.of("http-state=" + state, "http-assets=" + assets, "http-port=8080", "iface=" + NetnsLab.SERVER_IF));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            NetnsLab.destroy();
            if (dir != null) {
                try (var s = Files.walk(dir)) {
                    s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** curl from the client namespace with {@code from} as source address; returns "STATUS\nBODY". */
    static Exec.Result curl(PortPrefix from, String path, String... extra) {
        List<String> c = new java.util.ArrayList<>(List.of("curl", "-sS", "-g", "--path-as-is", "-o", "-",
                "-w", "\n%{http_code}", "--interface", from.pool().get(0).toString()));
        c.addAll(List.of(extra));
        c.add("http://[" + from.thisEnd() + "]:8080" + path);
        return lab.client(120, c.toArray(String[]::new));
    }

    static int status(Exec.Result r) {
        String o = r.output().trim();
        return Integer.parseInt(o.substring(o.lastIndexOf('\n') + 1));
    }

    static String body(Exec.Result r) {
        String o = r.output();
        return o.substring(0, o.lastIndexOf('\n'));
    }

    static String ipxeQuery(String mac, String arch) {
        return "/ipxe?mac=" + mac + "&uuid=1c0ffee0-0000-4000-8000-00000000000" + mac.charAt(16) + "&buildarch=" + arch + "&serial=SN-1";
    }

    @Test
    @Order(1)
    void bootIpxeOverGlobalAndLinkLocal() {
        Exec.Result g = curl(port0, "/boot.ipxe");
        assertThat(status(g)).isEqualTo(200);
        assertThat(body(g)).startsWith("#!ipxe").contains("chain ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}");
        Exec.Result ll = lab.client(30, "curl", "-sS", "-g", "http://[" + NetnsLab.SERVER_LINK_LOCAL + "%25" + NetnsLab.CLIENT_IF + "]:8080/boot.ipxe");
        assertThat(ll.exit()).as(ll.output()).isZero();
        assertThat(ll.output()).isEqualTo(body(g));
    }

    /** The machine API, from the server itself (loopback): the node and its operator. */
    static Exec.Result operator(String path) {
        return lab.server(30, "curl", "-sS", "-g", "-o", "-", "-w", "\n%{http_code}", "http://[::1]:8080" + path);
    }

    static String secretOf(String script) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("secret=([0-9a-f]+)").matcher(script);
        assertThat(m.find()).as(script).isTrue();
        return m.group(1);
    }

    static String secretA;

    @Test
    @Order(2)
    void chainForAMacInstallsThenBootsFromDiskAfterPhoneHome() throws Exception {
        Exec.Result first = curl(port0, ipxeQuery(A, "x86_64"));
        assertThat(status(first)).isEqualTo(200);
        assertThat(body(first)).contains("kernel assets/debian/vmlinuz initrd=initrd.gz console=ttyS0 ignition.config.url=http://["
                + port0.thisEnd() + "]:8080/ignition?mac=" + A + "&secret=").contains("initrd assets/debian/initrd.gz").contains("boot");
        secretA = secretOf(body(first));
        Exec.Result b = curl(port1, ipxeQuery(B, "x86_64"));
        assertThat(status(b)).isEqualTo(200);

        assertThat(status(curl(port0, "/machines"))).as("the machine API is not for the mesh").isEqualTo(403);
        JsonNode list = JSON.readTree(body(operator("/machines")));
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("mac").asText()).isEqualTo(A);
        assertThat(list.get(0).path("port").asText()).isEqualTo("cluster0");
        assertThat(list.get(0).path("state").asText()).isEqualTo("installing");
        assertThat(list.get(1).path("port").asText()).isEqualTo("cluster1");

        // Ignition while it installs (the installer fetches it before it phones home)
        Exec.Result own = curl(port0, "/ignition?mac=" + A + "&secret=" + secretA);
        assertThat(status(own)).as(own.output()).isEqualTo(200);
        ignitionA = body(own);

        String home = "/machines/" + A + "/phone-home?secret=" + secretA;
        Exec.Result wrongPort = curl(port1, home, "-X", "POST", "-d", "{\"state\":\"installed\"}");
        assertThat(status(wrongPort)).isEqualTo(403);
        Exec.Result noSecret = curl(port0, "/machines/" + A + "/phone-home", "-X", "POST", "-d", "{\"state\":\"installed\"}");
        assertThat(status(noSecret)).isEqualTo(403);
        Exec.Result ok = curl(port0, home, "-X", "POST", "-d", "{\"state\":\"installed\"}");
        assertThat(status(ok)).as(ok.output()).isEqualTo(200);
        assertThat(JSON.readTree(body(operator("/machines/" + A))).path("state").asText()).isEqualTo("installed");
        Exec.Result again = curl(port0, ipxeQuery(A, "x86_64"));
        assertThat(body(again)).contains("booting from its disk").contains("exit").doesNotContain("kernel");
        Exec.Result back = curl(port0, home, "-X", "POST", "-d", "{\"state\":\"discovered\"}");
        assertThat(status(back)).isEqualTo(409);
        assertThat(server.logText()).as("boot secrets never logged").doesNotContain(secretA);
    }

    static String ignitionA;

    @Test
    @Order(3)
    void secretsOnlyForTheirMachineOnItsPort() throws Exception {
        String tokenA = JSON.readTree(Files.readString(state.resolve("secrets/52-54-00-aa-00-0a.json"))).path("joinToken").asText();
        assertThat(tokenA).hasSize(64);
        JsonNode ign = JSON.readTree(ignitionA);
        assertThat(ign.at("/ignition/version").asText()).startsWith("3.");
        assertThat(ignitionA).contains(tokenA);
        assertThat(ign.at("/passwd/users/0/sshAuthorizedKeys/0").asText()).isEqualTo("ssh-ed25519 AAAAtest");

        Exec.Result wrongPort = curl(port1, "/ignition?mac=" + A + "&secret=" + secretA);
        assertThat(status(wrongPort)).as("right MAC, wrong port").isEqualTo(403);
        assertThat(wrongPort.output()).doesNotContain(tokenA);
        Exec.Result otherMac = curl(port0, "/ignition?mac=" + B + "&secret=" + secretA);
        assertThat(status(otherMac)).as("another machine's MAC from this port").isEqualTo(403);
        Exec.Result unknown = curl(port0, "/ignition?mac=52:54:00:aa:00:ff");
        assertThat(status(unknown)).isEqualTo(404);
        Exec.Result installed = curl(port0, "/ignition?mac=" + A + "&secret=" + secretA);
        assertThat(status(installed)).as("installed: no Ignition any more").isEqualTo(409);
        for (String pub : List.of("/machines", "/boot.ipxe", "/assets/debian/initrd.gz", "/machines/" + A)) {
            assertThat(curl(port0, pub).output()).as(pub).doesNotContain(tokenA);
        }
        assertThat(server.logText()).as("secrets never logged").doesNotContain(tokenA);
    }

    @Test
    @Order(4)
    void noProfileAnswersWithAnExplainingRetryScript() {
        Exec.Result r = curl(port0, ipxeQuery("52:54:00:aa:00:0c", "riscv64"));
        assertThat(status(r)).isEqualTo(200);
        assertThat(body(r)).contains("no profile for this machine").contains("riscv64").contains("sleep").contains("chain boot.ipxe");
        assertThat(server.logText()).contains("no profile for 52:54:00:aa:00:0c");
    }

    @Test
    @Order(5)
    void assetsWholeAndRanged() throws Exception {
        Path out = dir.resolve("kernel.out");
        Exec.Result whole = lab.client(120, "curl", "-sS", "-g", "-o", out.toString(), "-w", "%{http_code}",
                "http://[" + port0.thisEnd() + "]:8080/assets/debian/vmlinuz");
        assertThat(whole.output()).isEqualTo("200");
        assertThat(sha(Files.readAllBytes(out))).isEqualTo(sha(Files.readAllBytes(assets.resolve("debian/vmlinuz"))));
        Exec.Result part = lab.client(60, "curl", "-sS", "-g", "-D", "-", "-o", out.toString(), "-r", "100-199",
                "http://[" + port0.thisEnd() + "]:8080/assets/debian/vmlinuz");
        assertThat(part.output()).contains("HTTP/1.1 206").containsIgnoringCase("Content-Range: bytes 100-199/" + ((64 << 20) + 3));
        byte[] expected = java.util.Arrays.copyOfRange(Files.readAllBytes(assets.resolve("debian/vmlinuz")), 100, 200);
        assertThat(Files.readAllBytes(out)).isEqualTo(expected);
        Exec.Result past = curl(port0, "/assets/debian/initrd.gz", "-r", "100-");
        assertThat(status(past)).isEqualTo(416);
        Exec.Result headers = lab.client(30, "curl", "-sS", "-g", "-D", "-", "-o", "/dev/null", "-r", "100-",
                "http://[" + port0.thisEnd() + "]:8080/assets/debian/initrd.gz");
        assertThat(headers.output()).containsIgnoringCase("Content-Range: bytes */6");
    }

    @Test
    @Order(6)
    void traversalCorpusIsRefused() {
        for (String path : List.of("/assets/../state/secrets/52-54-00-aa-00-0a.json", "/assets/..%2fstate%2fsecrets",
                "/assets/%2e%2e/outside.txt", "/assets/%252e%252e/outside.txt", "/assets/..\\outside.txt",
                "/assets/debian/..%5c..%5coutside.txt", "/assets//etc/passwd", "/assets/%2fetc%2fpasswd", "/assets/escape",
                "/assets/debian%00.png", "/assets/" + "a".repeat(300), "/assets/debian", "/../../etc/passwd",
                "/assets/" + "../".repeat(20) + "etc/passwd", "/state/secrets/52-54-00-aa-00-0a.json")) {
            Exec.Result r = curl(port0, path);
            assertThat(status(r)).as(path).isIn(400, 403, 404);
            assertThat(r.output()).as(path).doesNotContain("outside-secret").doesNotContain("joinToken").doesNotContain("root:");
        }
    }

    @Test
    @Order(7)
    void oversizedAndMalformedRequestsGetErrorsAndTheServerLives() {
        assertThat(status(curl(port0, "/boot.ipxe?" + "x".repeat(4000)))).isEqualTo(414);
        Exec.Result bigBody = lab.client(30, "sh", "-c", "head -c 1000000 /dev/zero | curl -sS -g -o /dev/null -w '%{http_code}' "
                + "--interface " + port0.pool().get(0) + " -X POST --data-binary @- http://[" + port0.thisEnd() + "]:8080/machines/" + A + "/phone-home");
        assertThat(bigBody.output()).endsWith("413");
        assertThat(status(curl(port0, "/ipxe?mac=not-a-mac"))).isEqualTo(400);
        assertThat(status(curl(port0, "/ipxe"))).isEqualTo(400);
        assertThat(status(curl(port0, "/ipxe?mac=%zz"))).isEqualTo(400);
        assertThat(status(curl(port0, "/machines/" + A + "/phone-home?secret=" + secretA, "-X", "POST", "-d", "{not json")))
                .isEqualTo(400);
        assertThat(status(curl(port0, "/machines/" + A + "/phone-home?secret=" + secretA, "-X", "POST", "-d",
                "{\"state\":\"flying\"}"))).isEqualTo(400);
        assertThat(status(curl(port0, "/machines/" + A + "/phone-home"))).isEqualTo(405);
        Exec.Result raw = lab.client(30, "/usr/bin/python3", "-c", "import socket\n"
                + "for req in [b'GARBAGE\\r\\n\\r\\n', b'GET /' + b'x'*200000 + b' HTTP/1.1\\r\\n\\r\\n', b'\\x00\\xff'*100 + b'\\r\\n\\r\\n']:\n"
                + "    s=socket.create_connection(('" + port0.thisEnd() + "', 8080)); s.settimeout(5)\n"
                + "    try:\n"
                + "        s.sendall(req); print(repr(s.recv(200)[:12]))\n"
                + "    except Exception as e: print('closed', type(e).__name__)\n"
                + "    s.close()\n");
        assertThat(raw.exit()).as(raw.output()).isZero();
        assertThat(server.alive()).isTrue();
        assertThat(status(curl(port0, "/boot.ipxe"))).isEqualTo(200);
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
