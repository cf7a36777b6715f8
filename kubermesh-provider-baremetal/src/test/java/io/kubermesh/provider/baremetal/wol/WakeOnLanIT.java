package io.kubermesh.provider.baremetal.wol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.provider.baremetal.internal.PacketSocket;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.MachinePower;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerState;
import io.kubermesh.spi.PowerTarget;
import io.kubermesh.testkit.bmc.HostTools;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The magic packet on the wire: a veth pair inside a kmpw network namespace, the driver sending out
 * of one end (from a thread moved into the namespace), tcpdump capturing on the other; the frame
 * is checked byte for byte. Nothing touches this host's own network.
 */
class WakeOnLanIT {
    private static final String NETNS = "kmpw-wol";
    private static final MacAddress TARGET = MacAddress.parse("52:54:00:77:6f:6c");

    private Path dir;

    @BeforeEach
    void namespace() throws Exception {
        HostTools.requireRoot();
        HostTools.require("tcpdump", "tcpdump");
        HostTools.require("ip", "iproute2");
        dir = Files.createTempDirectory("kmpw-wol");
        HostTools.run(10, "ip", "netns", "add", NETNS);
        HostTools.run(10, "ip", "-n", NETNS, "link", "add", "kmpwwol0", "address", "52:54:00:77:00:01", "type", "veth",
                "peer", "name", "kmpwwol1");
        HostTools.run(10, "ip", "-n", NETNS, "link", "set", "kmpwwol0", "up");
        HostTools.run(10, "ip", "-n", NETNS, "link", "set", "kmpwwol1", "up");
    }

    @AfterEach
    void cleanUp() {
        try {
            HostTools.run(10, "ip", "netns", "del", NETNS);
        } catch (AssertionError e) {
            // not created
        }
        HostTools.deleteTree(dir);
    }

    private static PowerTarget target(String iface) {
        return new PowerTarget("node3", new BmcAddress.WakeOnLan(TARGET, iface, "gateway:2"), Optional.empty(), Optional.empty());
    }

    /** Runs {@code action} on a thread inside the namespace (setns moves only that thread). */
    private static void inNamespace(Runnable action) throws Exception {
        var pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> {
                PacketSocket.enterNetworkNamespace("/run/netns/" + NETNS);
                action.run();
                return null;
            }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theMagicPacketIsOnTheWireByteForByte() throws Exception {
        Path pcap = dir.resolve("wol.pcap");
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", NETNS, "tcpdump", "-Z", "root", "-i", "kmpwwol1", "-U", "-w", pcap.toString(),
                "-c", "1", "ether", "proto", "0x0842").redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.readString(dir.resolve("tcpdump.log")).contains("listening on") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            inNamespace(() -> {
                try (PowerSession s = new WakeOnLanDriver().open(target("kmpwwol0"), Duration.ofSeconds(5))) {
                    s.powerOn();
                }
            });
            assertThat(tcpdump.waitFor(20, TimeUnit.SECONDS)).as("tcpdump saw one 0x0842 frame").isTrue();
        } finally {
            tcpdump.destroy();
        }
        List<byte[]> frames = frames(Files.readAllBytes(pcap));
        assertThat(frames).hasSize(1);
        byte[] frame = frames.get(0);
        String expected = "ffffffffffff" + "525400770001" + "0842" + "ffffffffffff" + "525400776f6c".repeat(16);
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(expected);
        assertThat(MagicPacket.decode(Arrays.copyOfRange(frame, 14, frame.length))).isEqualTo(TARGET);
    }

    @Test
    void powerOffIsUnsupportedAndSaysSo() throws Exception {
        PowerPolicy policy = PowerPolicy.DEFAULT;
        inNamespace(() -> {
            try (MachinePower power = MachinePower.open(new WakeOnLanDriver(), target("kmpwwol0"), policy, p -> { })) {
                assertThat(power.state()).isEqualTo(PowerState.UNKNOWN);
                assertThatThrownBy(power::off).isInstanceOfSatisfying(PowerException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED)).hasMessageContaining("Wake-on-LAN only wakes machines");
                assertThatThrownBy(power::cycle).isInstanceOfSatisfying(PowerException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED));
            }
        });
    }

    @Test
    void anInterfaceThatIsNotThereIsNamed() throws Exception {
        inNamespace(() -> assertThatThrownBy(() -> new WakeOnLanDriver().open(target("kmpwnone0"), Duration.ofSeconds(5)).powerOn())
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
                .hasMessageContaining("no network interface kmpwnone0"));
    }

    /** The frames of a classic pcap file (little-endian, Ethernet). */
    static List<byte[]> frames(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).as("pcap magic").isEqualTo(0xa1b2c3d4);
        b.position(20);
        assertThat(b.getInt()).as("link type Ethernet").isEqualTo(1);
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int captured = b.getInt();
            b.getInt();
            byte[] f = new byte[captured];
            b.get(f);
            out.add(f);
        }
        return out;
    }
}
