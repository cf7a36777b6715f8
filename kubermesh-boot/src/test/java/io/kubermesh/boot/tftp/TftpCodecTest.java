package io.kubermesh.boot.tftp;

import io.kubermesh.api.MalformedPacketException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Golden vectors captured here with tcpdump on a veth between two namespaces (tftp-hpa 5.2,
 * atftp 0.8, curl 7.88 against in.tftpd), checked field by field; then malformed vectors.
 */
class TftpCodecTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    /** {@code tftp -6 ADDR -m binary -c get f.bin}: an RRQ without options. */
    static final String TFTP_HPA_RRQ = "0001662e62696e006f6374657400";
    /** {@code atftp --option "blksize 1468" --option "tsize 0" --option "windowsize 8" -g -r f.bin}. */
    static final String ATFTP_RRQ = "0001662e62696e006f63746574007473697a65003000626c6b73697a6500313436380077696e646f7773697a65003800";
    /** {@code curl --tftp-blksize 1024 tftp://[ADDR]/f.bin}: curl adds tsize and timeout. */
    static final String CURL_RRQ = "0001662e62696e006f63746574007473697a65003000626c6b73697a6500313032340074696d656f7574003600";
    /** in.tftpd's OACK to the atftp RRQ above for a 1000-byte file: no windowsize granted. */
    static final String TFTPD_OACK = "00067473697a65003130303000626c6b73697a65003134363800";
    /** ACK of the OACK (block 0) and of block 1, from the same capture. */
    static final String ACK0 = "00040000";
    static final String ACK1 = "00040001";

    @Test
    void tftpHpaReadRequestHasFileAndModeOnly() {
        TftpPacket p = TftpCodec.decode(hex(TFTP_HPA_RRQ));
        assertThat(p).isInstanceOf(TftpPacket.ReadRequest.class);
        TftpPacket.ReadRequest r = (TftpPacket.ReadRequest) p;
        assertThat(r.opcode()).isEqualTo(1);
        assertThat(r.filename()).isEqualTo("f.bin");
        assertThat(r.mode()).isEqualTo("octet");
        assertThat(r.options()).isEmpty();
        assertThat(HexFormat.of().formatHex(TftpCodec.encode(r))).isEqualTo(TFTP_HPA_RRQ);
    }

    @Test
    void atftpReadRequestCarriesThreeOptionsInOrder() {
        TftpPacket.ReadRequest r = (TftpPacket.ReadRequest) TftpCodec.decode(hex(ATFTP_RRQ));
        assertThat(r.filename()).isEqualTo("f.bin");
        assertThat(r.mode()).isEqualTo("octet");
        assertThat(r.options()).containsExactly(new TftpOption("tsize", "0"), new TftpOption("blksize", "1468"),
                new TftpOption("windowsize", "8"));
        assertThat(r.option("BLKSIZE")).contains("1468");
        assertThat(HexFormat.of().formatHex(TftpCodec.encode(r))).isEqualTo(ATFTP_RRQ);
    }

    @Test
    void curlReadRequestAsksTsizeBlksizeTimeout() {
        TftpPacket.ReadRequest r = (TftpPacket.ReadRequest) TftpCodec.decode(hex(CURL_RRQ));
        assertThat(r.options()).containsExactly(new TftpOption("tsize", "0"), new TftpOption("blksize", "1024"),
                new TftpOption("timeout", "6"));
        assertThat(HexFormat.of().formatHex(TftpCodec.encode(r))).isEqualTo(CURL_RRQ);
    }

    @Test
    void tftpdOptionAckGrantsTsizeAndBlksize() {
        TftpPacket.OptionAck o = (TftpPacket.OptionAck) TftpCodec.decode(hex(TFTPD_OACK));
        assertThat(o.opcode()).isEqualTo(6);
        assertThat(o.options()).containsExactly(new TftpOption("tsize", "1000"), new TftpOption("blksize", "1468"));
        assertThat(HexFormat.of().formatHex(TftpCodec.encode(o))).isEqualTo(TFTPD_OACK);
    }

    @Test
    void acksDecodeBlockNumbersBigEndian() {
        assertThat(TftpCodec.decode(hex(ACK0))).isEqualTo(new TftpPacket.Ack(0));
        assertThat(TftpCodec.decode(hex(ACK1))).isEqualTo(new TftpPacket.Ack(1));
        assertThat(TftpCodec.decode(hex("0004fffe"))).isEqualTo(new TftpPacket.Ack(65534));
    }

    @Test
    void dataCarriesBlockAndPayload() {
        TftpPacket.Data d = (TftpPacket.Data) TftpCodec.decode(hex("00030102aabbcc"));
        assertThat(d.block()).isEqualTo(0x0102);
        assertThat(d.payload()).containsExactly(0xaa, 0xbb, 0xcc);
        TftpPacket.Data empty = (TftpPacket.Data) TftpCodec.decode(hex("00030005"));
        assertThat(empty.length()).isZero();
        assertThat(TftpCodec.encode(new TftpPacket.Data(65535, new byte[] {1}))).containsExactly(0, 3, 0xff, 0xff, 1);
    }

    @Test
    void errorHasCodeAndMessage() {
        byte[] wire = TftpCodec.encode(new TftpPacket.Error(TftpErrorCode.FILE_NOT_FOUND, "file not found"));
        assertThat(HexFormat.of().formatHex(wire)).isEqualTo("00050001" + HexFormat.of().formatHex("file not found".getBytes()) + "00");
        assertThat(TftpCodec.decode(wire)).isEqualTo(new TftpPacket.Error(1, "file not found"));
    }

    @Test
    void writeRequestDecodes() {
        byte[] wire = TftpCodec.encode(new TftpPacket.WriteRequest("x", "octet", List.of()));
        assertThat(TftpCodec.decode(wire)).isInstanceOf(TftpPacket.WriteRequest.class);
        assertThat(wire[1]).isEqualTo((byte) 2);
    }

    @Test
    void nonAsciiNamesSurviveByteForByte() {
        byte[] wire = hex("0001ff80fe006f6374657400");
        TftpPacket.ReadRequest r = (TftpPacket.ReadRequest) TftpCodec.decode(wire);
        assertThat(r.filename()).hasSize(3);
        assertThat(TftpCodec.encode(r)).isEqualTo(wire);
    }

    @Test
    void malformedVectorsRaiseMalformedPacketException() {
        String[] bad = {
            "",                     // nothing
            "00",                   // half an opcode
            "0000",                 // opcode 0
            "0007",                 // opcode 7
            "ffff00",               // opcode 65535
            "0001",                 // RRQ without a file name
            "000166",               // file name not terminated
            "0001662e62696e00",     // no mode
            "0001662e62696e006f63746574", // mode not terminated
            "0001662e62696e006f637465740074",      // option name not terminated
            "0001662e62696e006f63746574007473697a6500", // option without value
            "0001662e62696e006f63746574007473697a65003000", // ok so far, then: see below
            "0001662e62696e006f6374657400003000",  // empty option name
            "0003",                 // DATA without block
            "000300",               // DATA with 1-byte block
            "0004",                 // ACK without block
            "000400",               // ACK with 1 byte
            "0004000100",           // ACK with trailing byte
            "0005",                 // ERROR without code
            "00050001",             // ERROR without message
            "000500016e6f",         // ERROR message not terminated
            "000500016e6f0000",     // ERROR with trailing byte
            "00067473697a65",       // OACK option name not terminated
            "00067473697a6500",     // OACK option without value
        };
        for (String h : bad) {
            if (h.equals("0001662e62696e006f63746574007473697a65003000")) {
                assertThat(TftpCodec.decode(hex(h))).isInstanceOf(TftpPacket.ReadRequest.class);
                continue;
            }
            assertThatThrownBy(() -> TftpCodec.decode(hex(h))).as(h).isInstanceOf(MalformedPacketException.class);
        }
    }
}
