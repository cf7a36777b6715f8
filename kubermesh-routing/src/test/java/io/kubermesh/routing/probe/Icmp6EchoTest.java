package io.kubermesh.routing.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Icmp6EchoTest {
    private static final byte[] TOKEN = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    @Test
    void anEchoRequestIsTypeCodeZeroChecksumIdentifierSequenceAndToken() {
        assertThat(HexFormat.of().formatHex(Icmp6Echo.request(0xBEEF, 0x0102, TOKEN)))
                .isEqualTo("80000000" + "beef0102" + "000102030405060708090a0b0c0d0e0f");
    }

    @Test
    void onlyAReplyWithOurIdentifierAndTokenCounts() {
        byte[] reply = Icmp6Echo.request(0xBEEF, 7, TOKEN);
        reply[0] = (byte) 129;
        reply[2] = 0x12; // a checksum the kernel filled in: not ours to check
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(reply), 0xBEEF, TOKEN)).isEqualTo(7);
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(reply), 0xBEEE, TOKEN)).isEqualTo(-1);
        byte[] otherToken = TOKEN.clone();
        otherToken[15] = 1;
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(reply), 0xBEEF, otherToken)).isEqualTo(-1);
        // Our own request looped back, a neighbour advertisement, a truncated reply: not answers.
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(Icmp6Echo.request(0xBEEF, 7, TOKEN)), 0xBEEF, TOKEN)).isEqualTo(-1);
        byte[] na = reply.clone();
        na[0] = (byte) 136;
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(na), 0xBEEF, TOKEN)).isEqualTo(-1);
        assertThat(Icmp6Echo.replySequence(ByteBuffer.wrap(reply, 0, 23), 0xBEEF, TOKEN)).isEqualTo(-1);
    }

    @Test
    void theSocketAddressIsASockaddrIn6() {
        byte[] sa = Icmp6Echo.sockaddr(Ipv6Address.parse("2001:db8::1"));
        assertThat(sa).hasSize(28);
        assertThat(ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).getShort(0)).isEqualTo((short) 10);
        assertThat(HexFormat.of().formatHex(sa, 2, 24)).isEqualTo("0000" + "00000000" + "20010db8000000000000000000000001");
        assertThat(HexFormat.of().formatHex(sa, 24, 28)).isEqualTo("00000000");
    }
}
