package io.kubermesh.boot.http;

import io.kubermesh.boot.machine.Group;
import io.kubermesh.boot.machine.Ignition;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.machine.Profile;
import io.kubermesh.boot.machine.ProfileCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP transport and routes on loopback ([::1], port 0), spoken to byte by byte. */
class BootHttpServerTest {
    @TempDir
    Path dir;
    BootHttpServer server;

    @BeforeEach
    void start() throws Exception {
        Path assets = Files.createDirectory(dir.resolve("assets"));
        Files.writeString(assets.resolve("k"), "0123456789");
        Files.write(assets.resolve("empty"), new byte[0]);
        MachineService machines = new MachineService(new MachineStore(dir.resolve("state")),
                new ProfileCatalog(List.of(new Group("all", "p", Map.of())),
                        List.of(new Profile("p", "k", List.of(), List.of("ignition.config.url={ignition}"), Ignition.EMPTY))), Clock.systemUTC());
        server = new BootHttpServer((remote, local) -> java.util.Optional.of("cluster0"), machines, assets, new InetSocketAddress("::1", 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends raw bytes, half-closes, returns everything the server answered. */
    private String exchange(String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(server.address());
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void pipelinedRequestsOnOneConnectionGetTwoAnswers() throws Exception {
        String r = exchange("GET /boot.ipxe HTTP/1.1\r\nHost: x\r\n\r\nGET /assets/k HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(r.split("HTTP/1.1 200 OK", -1)).hasSize(3);
        assertThat(r).contains("#!ipxe").endsWith("0123456789");
    }

    @Test
    void rangesAndHead() throws Exception {
        assertThat(exchange("GET /assets/k HTTP/1.1\r\nRange: bytes=2-4\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 206 Partial Content\r\n").containsIgnoringCase("Content-Range: bytes 2-4/10\r\n")
                .containsIgnoringCase("Content-Length: 3\r\n").endsWith("\r\n\r\n234");
        assertThat(exchange("GET /assets/k HTTP/1.1\r\nRange: bytes=10-\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 416 ").containsIgnoringCase("Content-Range: bytes */10\r\n");
        String head = exchange("HEAD /assets/k HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("Content-Length: 10\r\n").endsWith("\r\n\r\n");
        assertThat(exchange("GET /assets/empty HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("Content-Length: 0\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void malformedAndOversizedRequestsGetErrors() throws Exception {
        assertThat(exchange("NONSENSE\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /boot.ipxe HTTP/1.1\r\nno colon here\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /a b HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET * HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET http://x/boot.ipxe HTTP/1.1\r\nConnection: close\r\n\r\n")).as("absolute-form, RFC 9112 3.2.2")
                .startsWith("HTTP/1.1 200 ");
        assertThat(exchange("GET /boot.ipxe HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431 ");
        assertThat(exchange("GET /boot.ipxe?" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 414 ");
        assertThat(exchange("POST /machines/52:54:00:00:00:01/phone-home HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1001\r\n" + "x".repeat(0x1001) + "\r\n0\r\n\r\n")).as("a chunked body past the route's cap")
                .startsWith("HTTP/1.1 413 ");
        assertThat(exchange("GET /boot.ipxe HTTP/1.1\r\nContent-Length: 1\r\n\r\nx")).as("a body where none is taken")
                .startsWith("HTTP/1.1 413 ");
        assertThat(exchange("POST /machines/52:54:00:00:00:01/phone-home HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"))
                .startsWith("HTTP/1.1 413 ");
        assertThat(exchange("POST /machines/52:54:00:00:00:01/phone-home HTTP/1.1\r\nContent-Length: -5\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404 ");
        assertThat(exchange("GET /machines/52:54:00:00:00:01/phone-home HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ");
        assertThat(exchange("GET /boot.ipxe HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void phoneHomeWithABodyMovesTheMachine() throws Exception {
        String script = exchange("GET /ipxe?mac=52:54:00:00:00:01&buildarch=x86_64 HTTP/1.1\r\nConnection: close\r\n\r\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("secret=([0-9a-f]+)").matcher(script);
        assertThat(m.find()).as(script).isTrue();
        String body = "{\"state\":\"installed\"}";
        assertThat(exchange("POST /machines/52:54:00:00:00:01/phone-home HTTP/1.1\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body)).as("no boot secret").startsWith("HTTP/1.1 403 ");
        String r = exchange("POST /machines/52:54:00:00:00:01/phone-home?secret=" + m.group(1) + " HTTP/1.1\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(r).startsWith("HTTP/1.1 200 ").contains("\"state\" : \"installed\"");
        assertThat(exchange("GET /ipxe?mac=52:54:00:00:00:01&buildarch=x86_64 HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .contains("booting from its disk");
    }

    @Test
    void bootFilesAreServedAtTheTopLevelOnlyWhenARootIsGiven() throws Exception {
        Path bootFiles = Files.createDirectory(dir.resolve("tftp"));
        Files.writeString(bootFiles.resolve("snponly.efi"), "MZ-efi-binary");
        Files.createDirectory(bootFiles.resolve("sub"));
        Files.writeString(bootFiles.resolve("sub/x.efi"), "nested");
        Files.writeString(dir.resolve("outside.efi"), "outside");
        Files.createSymbolicLink(bootFiles.resolve("escape.efi"), dir.resolve("outside.efi"));
        assertThat(exchange("GET /snponly.efi HTTP/1.1\r\nConnection: close\r\n\r\n")).as("no boot files root")
                .startsWith("HTTP/1.1 404 ");
        server.close();
        MachineService machines = new MachineService(new MachineStore(dir.resolve("state")),
                new ProfileCatalog(List.of(), List.of()), Clock.systemUTC());
        server = new BootHttpServer((remote, local) -> java.util.Optional.of("cluster0"), machines, dir.resolve("assets"), bootFiles,
                new InetSocketAddress("::1", 0));
        assertThat(exchange("GET /snponly.efi HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("Content-Length: 13\r\n").endsWith("\r\n\r\nMZ-efi-binary");
        assertThat(exchange("GET /snponly.efi HTTP/1.1\r\nRange: bytes=0-1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 206 ").endsWith("\r\n\r\nMZ");
        assertThat(exchange("GET /missing.efi HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404 ");
        assertThat(exchange("GET /sub/x.efi HTTP/1.1\r\nConnection: close\r\n\r\n")).as("one segment only")
                .startsWith("HTTP/1.1 404 ");
        assertThat(exchange("GET /escape.efi HTTP/1.1\r\nConnection: close\r\n\r\n")).as("symlink out of the root")
                .startsWith("HTTP/1.1 40").doesNotContain("outside");
        assertThat(exchange("GET /..%2foutside.efi HTTP/1.1\r\nConnection: close\r\n\r\n")).as("encoded traversal")
                .startsWith("HTTP/1.1 40").doesNotContain("outside");
        assertThat(exchange("GET /boot.ipxe HTTP/1.1\r\nConnection: close\r\n\r\n")).as("routes still win")
                .startsWith("HTTP/1.1 200 ").contains("#!ipxe");
    }
}
