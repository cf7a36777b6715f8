package io.kubermesh.boot.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.dhcp6.Octets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** ICMPv6 part of the router solicitation Linux 6.x sent when a veth came up here (tcpdump capture). */
    static final String KERNEL_RS = "850071b5" + "00000000" + "0101525400123456";

    /** An advertisement as RFC 4861 section 4.2 and 4.6.2 lay it out, built by hand. */
    static final String RA = "86000000"            // type 134, code 0, checksum left to the kernel
            + "40" + "c0" + "0708"                  // cur hop limit 64, M and O, router lifetime 1800
            + "00000000" + "00000000"               // reachable time, retrans timer unspecified
            + "0101" + "525400000001"               // source link-layer address
            + "0304" + "7e" + "80"                  // prefix information, /126, L set, A clear
            + "00001c20" + "00000e10" + "00000000"  // valid 7200, preferred 3600, reserved
            + "20010db80000000000a4a80000000220";  // the port prefix

    @Test
    void decodesTheKernelRouterSolicitation() {
        NdMessage m = NdCodec.decode(HEX.parseHex(KERNEL_RS));
        assertThat(m).isEqualTo(new NdMessage.RouterSolicitation(List.of(
                new NdOption.SourceLinkLayer(MacAddress.parse("52:54:00:12:34:56")))));
        // re-encoded with the checksum the kernel fills in zeroed
        assertThat(HEX.formatHex(NdCodec.encode(m))).isEqualTo("85000000" + KERNEL_RS.substring(8));
    }

    @Test
    void decodesAnAdvertisementFieldByField() {
        NdMessage.RouterAdvertisement ra = (NdMessage.RouterAdvertisement) NdCodec.decode(HEX.parseHex(RA));
        assertThat(ra.curHopLimit()).isEqualTo(64);
        assertThat(ra.managed()).isTrue();
        assertThat(ra.other()).isTrue();
        assertThat(ra.routerLifetime()).isEqualTo(1800);
        assertThat(ra.reachableTime()).isZero();
        assertThat(ra.retransTimer()).isZero();
        assertThat(ra.options()).containsExactly(
                new NdOption.SourceLinkLayer(MacAddress.parse("52:54:00:00:00:01")),
                new NdOption.PrefixInformation(126, true, false, 7200, 3600, Ipv6Address.parse("2001:db8::a4:a800:0:220")));
        assertThat(HEX.formatHex(NdCodec.encode(ra))).isEqualTo(RA);
    }

    @Test
    void thePortAdvertisementIsTheHandBuiltOne() {
        ClusterSpec seed = ClusterConfig.seed();
        MacAddress node = MacAddress.parse("52:54:00:00:00:01");
        PortPrefix port = new AddressPlan(seed).port(node, 0);
        assertThat(port.prefix().toString()).isEqualTo("2001:db8::a4:a800:0:220/126");
        NdMessage.RouterAdvertisement ra = RouterAdvertiser.advertisementFor(seed.boot(), port, node);
        assertThat(HEX.formatHex(NdCodec.encode(ra))).isEqualTo(RA);
        String farewell = HEX.formatHex(NdCodec.encode(RouterAdvertiser.farewellFor(port, node)));
        assertThat(farewell).isEqualTo("86000000" + "40c00000" + RA.substring(16, 56) + "00000000" + "00000000" + RA.substring(72));
    }

    @Test
    void unknownOptionsAndMessagesSurviveByteForByte() {
        String rs = "85000000" + "00000000" + "0e01" + "aabbccddeeff" + "0501" + "0001000005dc";
        NdMessage m = NdCodec.decode(HEX.parseHex(rs));
        assertThat(((NdMessage.RouterSolicitation) m).options()).containsExactly(
                new NdOption.Raw(14, Octets.ofHex("aabbccddeeff")), new NdOption.Raw(5, Octets.ofHex("0001000005dc")));
        assertThat(HEX.formatHex(NdCodec.encode(m))).isEqualTo(rs);
        assertThat(NdCodec.decode(HEX.parseHex("8000ffff12345678"))).isEqualTo(
                new NdMessage.Other(128, 0, Octets.ofHex("12345678")));
    }

    @Test
    void malformedVectorsRaiseMalformedPacketException() {
        List<String> vectors = List.of(
                "850000",                                    // header truncated
                "8500000000",                                // solicitation shorter than 8
                "86000000" + "40c00708" + "00000000",        // advertisement shorter than 16
                "85010000" + "00000000",                     // code not 0
                "85000000" + "00000000" + "0100",            // option of length 0
                "85000000" + "00000000" + "0102525400123456", // option length past the end
                "85000000" + "00000000" + "01");             // half an option header
        for (String v : vectors) {
            assertThatThrownBy(() -> NdCodec.decode(HEX.parseHex(v))).as(v).isInstanceOf(MalformedPacketException.class);
        }
    }
}
