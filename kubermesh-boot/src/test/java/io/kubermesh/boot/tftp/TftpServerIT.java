package io.kubermesh.boot.tftp;

import io.kubermesh.boot.lab.Exec;
import io.kubermesh.boot.lab.JavaProcess;
import io.kubermesh.boot.lab.LabServerMain;
import io.kubermesh.boot.lab.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real clients (tftp-hpa, atftp, curl) in namespace kmbt-cli fetch files from kubermesh's TFTP
 * server in kmbt-srv over the veth, on the global and the link-local address; the results must be
 * byte-identical.
 */
class TftpServerIT {
    static final int[] SIZES = {0, 511, 512, 513};
    static final int BIG = 64 << 20;
    static Path dir;
    static Path root;
    static NetnsLab lab;
    static JavaProcess server;

    @BeforeAll
    static void start() throws IOException {
        Exec.require("tftp", "tftp-hpa");
        Exec.require("atftp", "atftp");
        Exec.require("curl", "curl");
        dir = Files.createTempDirectory("kmbt-tftp");
        root = Files.createDirectory(dir.resolve("root"));
        Random random = new Random(42);
        for (int n : SIZES) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            Files.write(root.resolve("f" + n + ".bin"), b);
        }
        byte[] big = new byte[BIG];
        random.nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(dir.resolve("secret.txt"), "not for tftp");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret.txt"));
        Files.createDirectory(dir.resolve("out"));
        lab = NetnsLab.create();
        server = JavaProcess.start(NetnsLab.SERVER_NS, LabServerMain.class, Path.of("target", "it-logs", "tftp-server.log"),
                List.of("tftp-root=" + root, "iface=" + NetnsLab.SERVER_IF));
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

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    enum Client { TFTP_HPA, ATFTP, CURL }

    /** Fetches {@code name} with one client; returns the local output path. */
    static Path fetch(Client c, String host, String name, String tag) {
        Path out = dir.resolve("out").resolve(tag + "-" + c + "-" + name);
        boolean linkLocal = host.startsWith("fe80");
        String scoped = linkLocal ? host + "%" + NetnsLab.CLIENT_IF : host;
        Exec.Result r = switch (c) {
            case TFTP_HPA -> lab.client(600, "tftp", "-6", scoped, "-m", "binary", "-c", "get", name, out.toString());
            case ATFTP -> lab.client(600, "atftp", "--option", "blksize 1468", "--option", "tsize 0",
                    "--option", "windowsize 8", "-g", "-r", name, "-l", out.toString(), scoped);
            case CURL -> lab.client(600, "curl", "-sS", "-g", "--tftp-blksize", "1024", "-o", out.toString(),
                    "tftp://[" + (linkLocal ? host + "%25" + NetnsLab.CLIENT_IF : host) + "]/" + name);
        };
        assertThat(r.exit()).as("%s %s from %s: %s", c, name, host, r.output()).isZero();
        return out;
    }

    private void allClientsAllSizes(String host, String tag) throws Exception {
        List<String> names = new ArrayList<>();
        for (int n : SIZES) {
            names.add("f" + n + ".bin");
        }
        names.add("big.bin");
        for (Client c : Client.values()) {
            for (String name : names) {
                Path out = fetch(c, host, name, tag);
                assertThat(sha256(out)).as("%s %s over %s", c, name, host).isEqualTo(sha256(root.resolve(name)));
                Files.delete(out);
            }
        }
    }

    @Test
    void everyClientFetchesEverySizeOverTheGlobalAddress() throws Exception {
        allClientsAllSizes(NetnsLab.SERVER_GLOBAL, "global");
    }

    @Test
    void everyClientFetchesEverySizeOverTheLinkLocalAddress() throws Exception {
        allClientsAllSizes(NetnsLab.SERVER_LINK_LOCAL, "ll");
    }

    @Test
    void refusalsAreErrorPacketsAndTheServerSurvives() throws Exception {
        // each name goes in a raw RRQ; the answer must be an ERROR packet: 1 not found, 2 access violation, 4 malformed (NUL)
        for (String bad : List.of("../secret.txt", "/etc/passwd", "escape", "..\\secret.txt", "missing.bin",
                "%2e%2e/secret.txt", "%252e%252e%252fsecret.txt", "f513.bin\0.png", "a".repeat(300), "a/".repeat(400) + "b")) {
            String hex = HexFormat.of().formatHex(TftpCodec.encode(new TftpPacket.ReadRequest(bad.replace('\0', 'X'), "octet", List.of())));
            if (bad.contains("\0")) {
                hex = hex.replace(HexFormat.of().formatHex("f513.binX".getBytes()), HexFormat.of().formatHex("f513.bin".getBytes()) + "00");
            }
            String reply = rawExchange(hex);
            assertThat(reply).as("[%s]", bad).matches("0005000[124].*");
            assertThat(TftpCodec.decode(HexFormat.of().parseHex(reply))).isInstanceOf(TftpPacket.Error.class);
        }
        Exec.Result viaCurl = lab.client(30, "curl", "-sS", "-g", "--path-as-is", "-o", "/dev/null",
                "tftp://[" + NetnsLab.SERVER_GLOBAL + "]/../secret.txt");
        assertThat(viaCurl.exit()).as("curl exit 69: TFTP access violation").isEqualTo(69);
        // a write is refused with an error packet
        Path up = dir.resolve("upload.txt");
        Files.writeString(up, "data");
        Exec.Result put = lab.client(30, "tftp", "-6", NetnsLab.SERVER_GLOBAL, "-m", "binary", "-c", "put", up.toString(), "up.txt");
        assertThat(put.output()).contains("read-only");
        assertThat(Files.exists(root.resolve("up.txt"))).isFalse();
        // malformed and oversized datagrams get an ERROR and do not stop the server
        Exec.Result junk = lab.client(30, "sh", "-c", "/usr/bin/python3 - <<'EOF'\n"
                + "import os, socket\n"
                + "s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(3)\n"
                + "for p in [b'\\x00\\x09', b'\\x00\\x01abc', b'\\x00\\x07' + os.urandom(60000), b'\\x00\\x04\\x00\\x01']:\n"
                + "    s.sendto(p, ('" + NetnsLab.SERVER_GLOBAL + "', 69)); d,a=s.recvfrom(70000); print(d[:4].hex())\n"
                + "EOF");
        assertThat(junk.output()).as(junk.output()).contains("00050004", "00050005");
        assertThat(server.alive()).isTrue();
        Path ok = fetch(Client.CURL, NetnsLab.SERVER_GLOBAL, "f513.bin", "after");
        assertThat(sha256(ok)).isEqualTo(sha256(root.resolve("f513.bin")));
        assertThat(server.logText()).contains("refused", "WRQ", "malformed");
    }

    /** Sends one datagram (hex) to port 69 from the client namespace; returns the reply as hex. */
    static String rawExchange(String hex) {
        Exec.Result r = lab.client(30, "/usr/bin/python3", "-c", "import socket,sys\n"
                + "s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(5)\n"
                + "s.sendto(bytes.fromhex(sys.argv[1]), ('" + NetnsLab.SERVER_GLOBAL + "', 69))\n"
                + "print(s.recvfrom(70000)[0].hex())", hex);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().trim();
    }

    @Test
    void manyConcurrentTransfers() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Path out = dir.resolve("out").resolve("conc-" + i);
            ps.add(new ProcessBuilder("ip", "netns", "exec", NetnsLab.CLIENT_NS, "atftp", "--option", "blksize 1468",
                    "--option", "windowsize 4", "-g", "-r", "f513.bin", "-l", out.toString(), NetnsLab.SERVER_GLOBAL)
                    .redirectErrorStream(true).start());
        }
        for (int i = 0; i < ps.size(); i++) {
            assertThat(ps.get(i).waitFor()).isZero();
            assertThat(sha256(dir.resolve("out").resolve("conc-" + i))).isEqualTo(sha256(root.resolve("f513.bin")));
        }
    }
}
