package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.Netns;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * isc-dhcp-client against {@link Dhcp6Server} across a veth between two namespaces: the address
 * from port 0's pool, the bootfile URL, leases kept across a SIGKILL and restart, and a UEFI HTTP
 * boot Solicit answered with the HTTP URL and the "HTTPClient" vendor class.
 */
class Dhcp6ServerIT {
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    static final String CLIENT_MAC = "52:54:00:12:34:56";
    static final String OTHER_MAC = "52:54:00:12:34:57";
    static final ClusterSpec SPEC = ClusterConfig.seed();
    static final PortPrefix PORT = new AddressPlan(SPEC).port(NODE, 0);

    @TempDir
    Path work;
    Netns lab;
    Dhcp6Server server;

    @BeforeEach
    void lab() {
        Netns.require("dhclient", "isc-dhcp-client");
        lab = new Netns("", NODE.toString(), CLIENT_MAC);
        lab.inServer("ip", "-6", "addr", "add", PORT.thisEnd() + "/126", "dev", lab.serverLink, "preferred_lft", "0");
    }

    @AfterEach
    void teardown() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            lab.close();
        }
    }

    private Dhcp6Server startServer() {
        return lab.inServerNamespace(() -> Dhcp6Server.start(SPEC.boot(), NODE,
                Map.of(new io.kubermesh.addressing.AddressPlan(SPEC).port(NODE, 0), lab.serverLink), work.resolve("state")));
    }

    /** Runs dhclient -6 -1 in the foreground until its lease file has an address, then stops it; the lease text. */
    private String dhclient(String name) throws Exception {
        Path conf = work.resolve(name + ".conf");
        Files.writeString(conf, "option dhcp6.bootfile-url code 59 = string;\nrequest dhcp6.bootfile-url;\n");
        Path env = work.resolve(name + ".env");
        Path script = work.resolve(name + ".sh");
        Path applied = work.resolve(name + ".applied");
        // dhclient may write its lease file before the script has run: the script marks when it added the address.
        Files.writeString(script, "#!/bin/sh\nenv >> " + env + "\n"
                + "case \"$reason\" in BOUND6|RENEW6|REBIND6|REBOOT6) "
                + "ip -6 addr replace \"$new_ip6_address/$new_ip6_prefixlen\" dev \"$interface\" && touch " + applied
                + " ;; esac\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path leases = work.resolve(name + ".leases");
        Process p = lab.startInClient(work.resolve(name + ".log"), "dhclient", "-6", "-1", "-d", "-v", "-cf", conf.toString(),
                "-lf", leases.toString(), "-pf", work.resolve(name + ".pid").toString(), "-sf", script.toString(),
                lab.clientLink);
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(leases) && Files.readString(leases).contains("iaaddr") && Files.exists(applied)) {
                break;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly().waitFor();
        String log = Files.readString(work.resolve(name + ".log"));
        assertThat(leases).as("dhclient log: %s", log).exists();
        assertThat(Files.readString(leases)).as("dhclient log: %s", log).contains("iaaddr");
        return Files.readString(leases);
    }

    private static String field(String lease, String regex) {
        Matcher m = Pattern.compile(regex).matcher(lease);
        assertThat(m.find()).as("%s in %s", regex, lease).isTrue();
        return m.group(1);
    }

    @Test
    void dhclientGetsAnAddressFromThePortPoolAndTheBootfileUrl() throws Exception {
        server = startServer();
        String lease = dhclient("first");
        assertThat(field(lease, "iaaddr ([0-9a-f:]+) \\{")).isEqualTo(PORT.pool().get(0).toString());
        assertThat(field(lease, "option dhcp6.bootfile-url \"([^\"]+)\""))
                .isEqualTo("tftp://[" + PORT.thisEnd() + "]/snponly.efi");
        assertThat(field(lease, "option dhcp6.server-id ([0-9a-f:]+);")).isEqualTo("0:3:0:1:52:54:0:0:0:1");
        assertThat(lab.inClient("ip", "-6", "addr", "show", "dev", lab.clientLink)).contains(PORT.pool().get(0) + "/");
        assertThat(server.leases()).extracting(Lease::client).containsExactly("mac-" + CLIENT_MAC);
    }

    @Test
    void aServerKilledWithSigkillKeepsTheLeaseAfterRestart() throws Exception {
        Process first = startServerProcess("run1");
        String before = dhclient("before");
        assertThat(field(before, "iaaddr ([0-9a-f:]+) \\{")).isEqualTo(PORT.pool().get(0).toString());
        first.destroyForcibly().waitFor();
        startServerProcess("run2");
        // another machine on the same cable while the first machine's lease still runs
        lab.inClient("ip", "-6", "addr", "flush", "dev", lab.clientLink, "scope", "global");
        lab.inClient("ip", "link", "set", lab.clientLink, "down");
        lab.inClient("ip", "link", "set", lab.clientLink, "address", OTHER_MAC);
        lab.inClient("ip", "link", "set", lab.clientLink, "up");
        Netns.awaitLinkLocal(lab.client, lab.clientLink);
        String after = dhclient("after");
        assertThat(field(after, "iaaddr ([0-9a-f:]+) \\{")).isEqualTo(PORT.pool().get(1).toString());
        assertThat(new FileLeaseStore(work.resolve("state")).load()).extracting(Lease::client)
                .containsExactlyInAnyOrder("mac-" + CLIENT_MAC, "mac-" + OTHER_MAC);
    }

    /**
     * Three machines one after another on the cable take the port's pool; once the cable lost
     * carrier (the last machine gone), a fourth gets an address from real dhclient, where without
     * it the pool has none ({@code Dhcp6EngineTest.aFourthMachineOnAPortGetsNoAddrsAvail...}).
     */
    @Test
    void aFourthMachineOnACableThatLostCarrierGetsAnAddress() throws Exception {
        server = startServer();
        List<String> got = new java.util.ArrayList<>();
        for (String mac : List.of(CLIENT_MAC, OTHER_MAC, "52:54:00:12:34:58", "52:54:00:12:34:59")) {
            if (got.size() == 3) {
                assertThat(server.cableGone(0)).hasSize(3);
            }
            if (!got.isEmpty()) {
                plugAnotherMachine(mac);
            }
            got.add(field(dhclient("m" + got.size()), "iaaddr ([0-9a-f:]+) \\{"));
        }
        assertThat(got.subList(0, 3)).containsExactlyElementsOf(PORT.pool().stream().map(Object::toString).toList());
        assertThat(got.get(3)).isEqualTo(PORT.pool().get(0).toString());
        assertThat(server.leases()).filteredOn(l -> l.address().equals(PORT.pool().get(0))).singleElement()
                .satisfies(l -> assertThat(l.client()).isEqualTo("mac-52:54:00:12:34:59"));
    }

    /** The client namespace becomes another machine: its addresses gone, a new MAC, the link up again. */
    private void plugAnotherMachine(String mac) throws Exception {
        lab.inClient("ip", "-6", "addr", "flush", "dev", lab.clientLink, "scope", "global");
        lab.inClient("ip", "link", "set", lab.clientLink, "down");
        lab.inClient("ip", "link", "set", lab.clientLink, "address", mac);
        lab.inClient("ip", "link", "set", lab.clientLink, "up");
        Netns.awaitLinkLocal(lab.client, lab.clientLink);
    }

    /** The server in its own JVM in the server namespace, so it can be killed with SIGKILL. */
    private Process startServerProcess(String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = work.resolve(name + ".log");
        Process p = lab.startInServer(log, java, "-cp", System.getProperty("java.class.path"),
                "io.kubermesh.boot.lab.Dhcp6ServeMain", NODE.toString(), lab.serverLink, work.resolve("state").toString());
        for (int i = 0; i < 300 && !Files.readString(log).contains("ready"); i++) {
            assertThat(p.isAlive()).as("server process: %s", Files.readString(log)).isTrue();
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).contains("ready");
        return p;
    }

    @Test
    void aUefiHttpBootSolicitGetsTheHttpUrlAndTheHttpClientVendorClassOverTheWire() throws Exception {
        server = startServer();
        Dhcp6Message solicit = new Dhcp6Message(MessageType.SOLICIT, 0x123456, List.of(
                new Dhcp6Option.ClientId(new Duid.Uuid(Octets.ofHex("8a1f3c2d4e5f40718293a4b5c6d7e8f9"))),
                new Dhcp6Option.OptionRequest(List.of(59, 60, 23)),
                new Dhcp6Option.ElapsedTime(0),
                new Dhcp6Option.IaNa(1, 0, 0, List.of()),
                new Dhcp6Option.VendorClass(343, List.of(Octets.ofText("HTTPClient:Arch:00016:UNDI:003001"))),
                new Dhcp6Option.ClientArch(List.of(16))));
        byte[] wire = Dhcp6Codec.encodeToBytes(solicit);
        Dhcp6Message advertise = lab.inClientNamespace(() -> exchange(wire));
        assertThat(advertise.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(advertise.transactionId()).isEqualTo(0x123456);
        assertThat(advertise.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url())
                .isEqualTo("http://[" + PORT.thisEnd() + "]:8080/snponly.efi");
        assertThat(advertise.all(Dhcp6Option.VendorClass.class))
                .containsExactly(new Dhcp6Option.VendorClass(343, List.of(Octets.ofText("HTTPClient"))));
        // the firmware's DUID-UUID carries no MAC: the EUI-64 link-local source does
        assertThat(advertise.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address())
                .isEqualTo(PORT.pool().get(0));
    }

    /** Sends {@code wire} from [link-local]:546 to ff02::1:2 on the client link; the first answer. */
    private Dhcp6Message exchange(byte[] wire) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            NetworkInterface nic = NetworkInterface.getByName(lab.clientLink);
            socket.bind(new InetSocketAddress(Inet6Address.getByAddress(null, new byte[16], nic), 546));
            socket.setSoTimeout(10_000);
            socket.send(new DatagramPacket(wire, wire.length,
                    new InetSocketAddress(Inet6Address.getByAddress(null, Dhcp6Server.ALL_SERVERS.toBytes(), nic), 547)));
            DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
            socket.receive(in);
            return Dhcp6Codec.decode(java.nio.ByteBuffer.wrap(in.getData(), 0, in.getLength()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
