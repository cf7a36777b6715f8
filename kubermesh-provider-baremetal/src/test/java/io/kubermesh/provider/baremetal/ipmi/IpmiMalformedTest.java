package io.kubermesh.provider.baremetal.ipmi;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MalformedPacketException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Malformed vectors: each names what is wrong, and none escapes as an index error. */
class IpmiMalformedTest {
    private static final byte[] SIK = new byte[20];
    private static final SessionKeys KEYS = SessionKeys.of(CipherSuite.SUITE_3, SIK);

    private static byte[] secured() {
        return SessionPacket.secured(0, 0x582, 1, IpmiMessage.request(0, 1, 1).encode()).encode(KEYS, new byte[16]);
    }

    @Test
    void truncatedHeaders() {
        assertThatThrownBy(() -> SessionPacket.decode(HexFormat.of().parseHex("0600ff0706"), null))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> IpmiMessage.decode(new byte[] {0x20, 0x18}))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("at least 7 bytes");
        assertThatThrownBy(() -> Rakp.Rakp2.decode(new byte[] {0, 0, 0}))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("RAKP 2 is truncated");
    }

    @Test
    void notRmcpOrNotIpmi20() {
        byte[] asf = HexFormat.of().parseHex("0600ff06" + "00".repeat(12));
        assertThatThrownBy(() -> SessionPacket.decode(asf, null)).hasMessageContaining("not an RMCP IPMI packet");
        byte[] v15 = HexFormat.of().parseHex("0600ff0700" + "00".repeat(11));
        assertThatThrownBy(() -> SessionPacket.decode(v15, null)).hasMessageContaining("auth type 0");
    }

    @Test
    void aPayloadLengthPastTheEnd() {
        byte[] p = SessionPacket.setup(SessionPacket.OPEN_SESSION_REQUEST, new byte[32]).encode(null, null);
        p[14] = 33;
        assertThatThrownBy(() -> SessionPacket.decode(p, null)).hasMessageContaining("payload length 33 but 32 bytes follow");
    }

    @Test
    void anAlteredAuthCodeOrAWrongKey() {
        byte[] p = secured();
        p[p.length - 1] ^= 1;
        assertThatThrownBy(() -> SessionPacket.decode(p, KEYS)).hasMessageContaining("AuthCode does not match");
        byte[] other = Arrays.copyOf(SIK, 20);
        other[0] = 1;
        assertThatThrownBy(() -> SessionPacket.decode(secured(), SessionKeys.of(CipherSuite.SUITE_3, other)))
                .hasMessageContaining("AuthCode does not match");
        assertThatThrownBy(() -> SessionPacket.decode(secured(), null)).hasMessageContaining("outside a session");
    }

    @Test
    void aBadIntegrityPadOrTrailer() {
        byte[] p = secured();
        int padLength = p[p.length - 14];
        if (padLength > 0) {
            p[p.length - 15] = 0;
            assertThatThrownBy(() -> SessionPacket.decode(p, KEYS)).hasMessageContaining("integrity pad");
        }
        byte[] q = secured();
        q[q.length - 13] = 0x08;
        assertThatThrownBy(() -> SessionPacket.decode(q, KEYS)).hasMessageContaining("next header");
    }

    @Test
    void aBadChecksum() {
        byte[] m = IpmiMessage.request(0, 1, 1, (byte) 5).encode();
        m[m.length - 1]++;
        assertThatThrownBy(() -> IpmiMessage.decode(m)).hasMessageContaining("checksum");
    }

    @Test
    void solSequenceOutOfRange() {
        assertThatThrownBy(() -> SolPacket.decode(new byte[] {16, 0, 0, 0})).hasMessageContaining("0..15");
    }
}
