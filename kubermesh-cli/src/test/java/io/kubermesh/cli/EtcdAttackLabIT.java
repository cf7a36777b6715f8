package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd attack of issue 15 on a lab (namespaces kmtr-*): a rogue namespace cabled to a free
 * port of a lab machine, with an address from that port's pool and a route through it (what
 * DHCPv6 and the router advertisement give anything plugged in), runs plain {@code etcdctl}
 * against the etcd anycast address: over HTTP, and over HTTPS without a certificate. Both are
 * refused; the same {@code etcdctl} with an enrolled machine's certificate, from the same
 * namespace, writes (so the refusal is the certificate's doing, not the route's), and even that
 * certificate cannot change the membership. Needs root, etcd-client and the lab's packages.
 */
class EtcdAttackLabIT {
    private static final String ANYCAST = "fd65:7b9c:569:680:98eb:c508:ea6b:b0b2";
    private static final String ROGUE = "kmtr-rogue";

    @TempDir
    Path tmp;
    private Path lab;
    private Path config;

    @BeforeEach
    void config() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("EtcdAttackLabIT needs root (network namespaces)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/etcdctl"))) {
            fail("EtcdAttackLabIT needs etcdctl: apt-get install -y etcd-client");
        }
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        lab = tmp.resolve("lab");
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            config = tmp.resolve("cluster.yaml");
            Files.writeString(config, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: tr"));
        }
    }

    @AfterEach
    void down() {
        if (NetworkNamespaces.list().contains(ROGUE)) {
            NetworkNamespaces.delete(ROGUE);
        }
        PlanCommandTest.run("down", "--lab", lab.toString());
        for (String ns : NetworkNamespaces.list()) {
            if (ns.startsWith("kmtr-")) {
                NetworkNamespaces.delete(ns);
                fail("namespace " + ns + " outlived the lab");
            }
        }
    }

    @Test
    void aMachineWithoutACertificateGetsNothingFromEtcdThroughTheAnycastAddress() throws Exception {
        PlanCommandTest.Result up = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString(),
                "--nodes", "2", "--topology", "line");
        assertThat(up.code()).as(up.out() + up.err()).isZero();
        JsonNode target = null;
        for (JsonNode m : new ObjectMapper().readTree(PlanCommandTest.run("status", "--lab", lab.toString(), "-o", "json").out())) {
            if (m.get("name").asText().equals("kubermesh1")) {
                target = m;
            }
        }
        assertThat(target).isNotNull();
        String netns = target.get("netns").asText();
        // Port 5 of kubermesh1 is free: the rogue is plugged in there.
        run(List.of("ip", "netns", "add", ROGUE));
        run(List.of("ip", "link", "add", PortPrefix.interfaceName(5), "netns", netns, "type", "veth", "peer", "name", "eth0",
                "netns", ROGUE));
        run(List.of("ip", "-n", ROGUE, "link", "set", "lo", "up"));
        run(List.of("ip", "-n", ROGUE, "link", "set", "eth0", "up"));
        String portAddress = awaitPortAddress(netns, PortPrefix.interfaceName(5));
        String pool = portAddress.replaceAll(":[0-9a-f]+$", ":") + Integer.toHexString(Integer.parseInt(
                portAddress.substring(portAddress.lastIndexOf(':') + 1), 16) + 1);
        run(List.of("ip", "-n", ROGUE, "address", "add", pool + "/126", "dev", "eth0", "nodad"));
        run(List.of("ip", "-n", ROGUE, "-6", "route", "add", "default", "via", portAddress));
        // The rogue reaches the etcd anycast address (routing lets it: that is not what keeps it out)...
        assertThat(rogue(List.of("ping", "-c", "3", "-W", "2", ANYCAST)).code()).as("ping the etcd anycast address").isZero();

        // ... but plain etcdctl is refused, over HTTP and over HTTPS without a certificate.
        Res plain = rogue(etcdctl("http", List.of(), "put", "/kubermesh/allocations/evil", "x"));
        assertThat(plain.code()).as("plain HTTP put: %s", plain.out()).isNotZero();
        Res noCert = rogue(etcdctl("https", List.of("--insecure-skip-tls-verify"), "get", "--prefix", "/kubermesh"));
        assertThat(noCert.code()).as("HTTPS get without a certificate: %s", noCert.out()).isNotZero();
        assertThat(noCert.out()).doesNotContain("/kubermesh/");

        // An enrolled machine's certificate, from the same place, is taken: the refusal is the certificate's.
        Path pki = lab.resolve("machines/kubermesh1/state/pki");
        List<String> cert = List.of("--cacert", pki.resolve("ca.crt").toString(), "--cert", pki.resolve("node.crt").toString(),
                "--key", pki.resolve("node.key").toString());
        Res enrolled = awaitOk(etcdctl("https", cert, "put", "/kubermesh/probe/attack", "x"));
        assertThat(enrolled.code()).as("put with kubermesh1's certificate: %s", enrolled.out()).isZero();
        // An ordinary machine's certificate changes no membership.
        Res add = rogue(etcdctl("https", cert, "member", "add", "evil", "--peer-urls=https://[2001:db8::1]:2380"));
        assertThat(add.code()).as("member add with a node certificate: %s", add.out()).isNotZero();
        assertThat(add.out()).containsAnyOf("permission denied", "not supported for learner");
    }

    private record Res(int code, String out) {
    }

    private static List<String> etcdctl(String scheme, List<String> tls, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + scheme + "://[" + ANYCAST + "]:2379",
                "--dial-timeout=3s", "--command-timeout=5s"));
        cmd.addAll(tls);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Res awaitOk(List<String> cmd) throws Exception {
        Res r = rogue(cmd);
        for (int i = 0; i < 10 && r.code() != 0; i++) {
            Thread.sleep(2000);
            r = rogue(cmd);
        }
        return r;
    }

    private static Res rogue(List<String> cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ROGUE, "timeout", "15"));
        full.addAll(cmd);
        return exec(full);
    }

    private static String awaitPortAddress(String netns, String port) throws Exception {
        for (int i = 0; i < 50; i++) {
            String out = exec(List.of("ip", "-n", netns, "-6", "-o", "address", "show", "dev", port, "scope", "global")).out();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("inet6 ([0-9a-f:]+)/126").matcher(out);
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the agent did not configure " + port + " in " + netns);
    }

    private static void run(List<String> cmd) throws Exception {
        Res r = exec(cmd);
        assertThat(r.code()).as(String.join(" ", cmd) + ": " + r.out()).isZero();
    }

    private static Res exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Res(p.exitValue(), out);
    }
}
