package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.Captures.ORDER;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Malformed vectors: every one raises MalformedPacketException with a useful message. */
class NetlinkMalformedTest {
    private static void rejects(byte[] b, String fragment) {
        assertThatThrownBy(() -> NetlinkCodec.decode(ByteBuffer.wrap(b), ORDER))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining(fragment);
    }

    private static byte[] with(byte[] b, int at, int... values) {
        byte[] c = b.clone();
        for (int i = 0; i < values.length; i++) {
            c[at + i] = (byte) values[i];
        }
        return c;
    }

    @Test
    void truncatedHeader() {
        rejects(Arrays.copyOf(Captures.ACK, 10), "nlmsghdr");
    }

    @Test
    void lengthShorterThanTheHeaderWouldLoopForever() {
        rejects(with(Captures.ACK, 0, 0, 0, 0, 0), "shorter than the header");
        rejects(with(Captures.ACK, 0, 15, 0, 0, 0), "shorter than the header");
    }

    @Test
    void lengthPastTheDatagram() {
        rejects(with(Captures.ACK, 0, 200, 0, 0, 0), "runs past");
        rejects(Arrays.copyOf(Captures.MULTIPATH_ROUTE, Captures.MULTIPATH_ROUTE.length - 4), "runs past");
    }

    @Test
    void truncatedFixedPart() {
        byte[] shortAddr = Captures.message(20, 0, 0, 0, "0a7e0000");
        rejects(shortAddr, "ifaddrmsg index");
        rejects(Captures.message(24, 0, 0, 0, "0a40"), "rtmsg");
        rejects(Captures.message(16, 0, 0, 0, "00000000"), "ifinfomsg");
        rejects(Captures.message(2, 0, 0, 0, "00000000"), "nlmsgerr");
    }

    @Test
    void attributeLengthBelowItsHeader() {
        // the IFA_LOCAL attribute of the address capture with length 2
        rejects(with(Captures.ADDR_ADD, 16 + 8, 2, 0), "length 2 < 4");
    }

    @Test
    void attributeLengthPastItsMessage() {
        rejects(with(Captures.ADDR_ADD, 16 + 8, 0xf0, 0), "attribute");
    }

    @Test
    void addressOfTheWrongSize() {
        // IFA_LOCAL with 12 bytes of value (length 16 instead of 20)
        byte[] b = Captures.message(20, 0, 0, 0, "0a7e000003000000" + "10000200" + "20010db80000000000000000");
        rejects(b, "IFA_LOCAL: expected 16 bytes, got 12");
    }

    @Test
    void cacheInfoOfTheWrongSize() {
        rejects(Captures.message(20, 0, 0, 0, "0a7e000003000000" + "0c000600" + "0000000000000000"), "IFA_CACHEINFO");
    }

    @Test
    void multipathHopShorterThanItsHeader() {
        rejects(Captures.message(24, 0, 0, 0, RTMSG + "0c000900" + "04000000" + "03000000"),
                "rtnexthop length 4");
    }

    @Test
    void multipathHopLongerThanTheAttribute() {
        rejects(Captures.message(24, 0, 0, 0, RTMSG + "0c000900" + "40000000" + "03000000"),
                "rtnexthop attributes");
    }

    @Test
    void routeDestinationWithHostBits() {
        rejects(Captures.message(24, 0, 0, 0, RTMSG + "14000100"
                + "20010db8000100000000000000000001"), "bits past /64");
    }

    @Test
    void linkInfoWithoutKind() {
        rejects(Captures.message(16, 0, 0, 0, "00000000000000000000000000000000" + "04001200"), "IFLA_INFO_KIND");
    }

    @Test
    void nestedVethPeersTooDeep() {
        String peer = "00000000000000000000000000000000";
        for (int i = 0; i < 4; i++) {
            // IFLA_LINKINFO { KIND "veth", DATA { PEER { ifinfomsg + previous } } }
            int peerLen = 4 + peer.length() / 2;
            int dataLen = 4 + peerLen;
            int infoLen = 4 + 8 + dataLen;
            peer = "00000000000000000000000000000000" + le16(infoLen) + "1200" + "08000100" + "76657468"
                    + le16(dataLen) + "0200" + le16(peerLen) + "0100" + peer.substring(0);
        }
        rejects(Captures.message(16, 0, 0, 0, peer), "nested");
    }

    private static final String RTMSG = "0a40" + "00".repeat(10);

    private static String le16(int v) {
        return String.format("%02x%02x", v & 0xFF, v >>> 8);
    }
}
