package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Dhcp6CodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** UDP payload of a Solicit from isc-dhcp-client 4.4 (dhclient -6, ORO 59), captured with tcpdump on a veth here. */
    static final String DHCLIENT_SOLICIT =
            "0114e393" + "0001000e00010001329aa59d525400bb0002" + "0006" + "0002003b" + "000800020000"
                    + "0003000c00bb000200000e1000001518";

    /**
     * A UEFI PXE-style Solicit, built by hand after EDK2's Dhcp6Io: client id DUID-UUID, ORO 59/60/23,
     * elapsed time, IA_NA without addresses, vendor class 343 "PXEClient:Arch:00007:UNDI:003016", arch 7, no user class.
     */
    static final String UEFI_SOLICIT = "01abcdef"
            + "0001" + "0012" + "0004" + "8a1f3c2d4e5f40718293a4b5c6d7e8f9"   // client id: DUID-UUID
            + "0006" + "0006" + "003b003c0017"                                  // ORO 59, 60, 23
            + "0008" + "0002" + "0000"                                          // elapsed 0
            + "0003" + "000c" + "0000000100000000" + "00000000"                 // IA_NA iaid 1 T1 0 T2 0
            + "0010" + "0026" + "00000157" + "0020" + HEX.formatHex("PXEClient:Arch:00007:UNDI:003016".getBytes())
            + "003d" + "0002" + "0007";                                         // client arch 7

    @Test
    void decodesTheDhclientSolicitFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(DHCLIENT_SOLICIT));
        assertThat(m.type()).isEqualTo(MessageType.SOLICIT);
        assertThat(m.transactionId()).isEqualTo(0x14e393);
        assertThat(m.options()).hasSize(4);
        Duid.LinkLayerTime duid = (Duid.LinkLayerTime) m.clientId().orElseThrow();
        assertThat(duid.hardwareType()).isEqualTo(1);
        assertThat(duid.time()).isEqualTo(0x329aa59dL);
        assertThat(duid.mac()).contains(MacAddress.parse("52:54:00:bb:00:02"));
        assertThat(m.option(Dhcp6Option.OptionRequest.class).orElseThrow().codes()).containsExactly(59);
        assertThat(m.option(Dhcp6Option.ElapsedTime.class).orElseThrow().hundredths()).isZero();
        Dhcp6Option.IaNa ia = m.option(Dhcp6Option.IaNa.class).orElseThrow();
        assertThat(ia.iaid()).isEqualTo(0x00bb0002L);
        assertThat(ia.t1()).isEqualTo(3600);
        assertThat(ia.t2()).isEqualTo(5400);
        assertThat(ia.options()).isEmpty();
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(DHCLIENT_SOLICIT);
    }

    @Test
    void decodesAUefiSolicitFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(UEFI_SOLICIT));
        assertThat(m.transactionId()).isEqualTo(0xabcdef);
        Duid.Uuid duid = (Duid.Uuid) m.clientId().orElseThrow();
        assertThat(duid.uuid().toHex()).isEqualTo("8a1f3c2d4e5f40718293a4b5c6d7e8f9");
        assertThat(duid.mac()).isEmpty();
        assertThat(m.requests(59)).isTrue();
        assertThat(m.option(Dhcp6Option.OptionRequest.class).orElseThrow().codes()).containsExactly(59, 60, 23);
        Dhcp6Option.VendorClass vc = m.option(Dhcp6Option.VendorClass.class).orElseThrow();
        assertThat(vc.enterprise()).isEqualTo(343);
        assertThat(vc.classes()).extracting(Octets::toText).containsExactly("PXEClient:Arch:00007:UNDI:003016");
        assertThat(m.option(Dhcp6Option.ClientArch.class).orElseThrow().types()).containsExactly(7);
        assertThat(m.option(Dhcp6Option.UserClass.class)).isEmpty();
        assertThat(m.options()).hasSize(6);
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(UEFI_SOLICIT);
    }

    /** dnsmasq 2.90's Advertise to that dhclient (option6:bootfile-url set), captured here. */
    static final String DNSMASQ_ADVERTISE = "023c6270"
            + "0001000e00010001329aab12525400123456" + "0002000e00010001329aab10525400000001"
            + "000300280012345600000e100000189c" + "0005001820010db800010000000000000000011d00001c2000001c20"
            + "000d000900007375636365737300" + "07000100" + "003b0022" + HEX.formatHex("tftp://[2001:db8:1::1]/snponly.efi".getBytes());

    /** dhclient's Request after that Advertise: server id echoed, the offered address as a hint. */
    static final String DHCLIENT_REQUEST = "03c68f6f"
            + "0001000e00010001329aab12525400123456" + "0002000e00010001329aab10525400000001"
            + "00060002003b" + "000800020000"
            + "000300280012345600000e1000001518" + "0005001820010db800010000000000000000011d00001c2000001d4c";

    @Test
    void decodesTheDnsmasqAdvertiseFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(DNSMASQ_ADVERTISE));
        assertThat(m.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(m.transactionId()).isEqualTo(0x3c6270);
        assertThat(m.serverId()).contains(new Duid.LinkLayerTime(1, 0x329aab10L, Octets.ofHex("525400000001")));
        assertThat(m.clientId().orElseThrow().mac()).contains(MacAddress.parse("52:54:00:12:34:56"));
        Dhcp6Option.IaNa ia = m.option(Dhcp6Option.IaNa.class).orElseThrow();
        assertThat(ia.iaid()).isEqualTo(0x123456L);
        assertThat(ia.t1()).isEqualTo(3600);
        assertThat(ia.t2()).isEqualTo(6300);
        assertThat(ia.addresses()).containsExactly(
                new Dhcp6Option.IaAddress(Ipv6Address.parse("2001:db8:1::11d"), 7200, 7200, List.of()));
        assertThat(m.option(Dhcp6Option.Status.class)).contains(new Dhcp6Option.Status(0, "success"));
        assertThat(m.option(Dhcp6Option.Preference.class)).contains(new Dhcp6Option.Preference(0));
        assertThat(m.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("tftp://[2001:db8:1::1]/snponly.efi");
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(DNSMASQ_ADVERTISE);
    }

    @Test
    void decodesTheDhclientRequestFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(DHCLIENT_REQUEST));
        assertThat(m.type()).isEqualTo(MessageType.REQUEST);
        assertThat(m.serverId()).contains(new Duid.LinkLayerTime(1, 0x329aab10L, Octets.ofHex("525400000001")));
        assertThat(m.requests(59)).isTrue();
        Dhcp6Option.IaAddress hint = m.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0);
        assertThat(hint.address()).isEqualTo(Ipv6Address.parse("2001:db8:1::11d"));
        assertThat(hint.preferredLifetime()).isEqualTo(7200);
        assertThat(hint.validLifetime()).isEqualTo(7500);
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(DHCLIENT_REQUEST);
    }

    @Test
    void encodesAReplyWithAddressBootfileAndHttpClientVendorClass() {
        Dhcp6Message reply = new Dhcp6Message(MessageType.REPLY, 0x010203, List.of(
                new Dhcp6Option.ServerId(new Duid.LinkLayer(1, Octets.ofHex("525400000001"))),
                new Dhcp6Option.IaNa(7, 1800, 2880, List.of(new Dhcp6Option.IaAddress(
                        Ipv6Address.parse("2001:db8::21"), 3600, 7200, List.of()))),
                new Dhcp6Option.RapidCommit(),
                new Dhcp6Option.BootfileUrl("http://x/"),
                BootFile.httpClientVendorClass()));
        String expected = "07010203"
                + "0002" + "000a" + "0003" + "0001" + "525400000001"
                + "0003" + "0028" + "00000007" + "00000708" + "00000b40"
                + "0005" + "0018" + "20010db8000000000000000000000021" + "00000e10" + "00001c20"
                + "000e" + "0000"
                + "003b" + "0009" + HEX.formatHex("http://x/".getBytes())
                + "0010" + "0010" + "00000157" + "000a" + "48545450436c69656e74";
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(reply))).isEqualTo(expected);
        assertThat(Dhcp6Codec.decode(HEX.parseHex(expected))).isEqualTo(reply);
    }

    @Test
    void unknownOptionsAndDuidTypesSurviveByteForByte() {
        String wire = "0b000001" + "1234" + "0003" + "a1b2c3" + "0001" + "0005" + "0009ffeedd" + "0052" + "0000";
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(wire));
        assertThat(m.type()).isEqualTo(MessageType.INFORMATION_REQUEST);
        assertThat(m.options().get(0)).isEqualTo(new Dhcp6Option.Raw(0x1234, Octets.ofHex("a1b2c3")));
        assertThat(m.clientId()).contains(new Duid.Other(9, Octets.ofHex("ffeedd")));
        assertThat(m.options().get(2)).isEqualTo(new Dhcp6Option.Raw(0x52, Octets.EMPTY));
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(wire);
        assertThat(Dhcp6Codec.decode(HEX.parseHex("ff000001")).type()).isEqualTo(MessageType.of(255));
    }

    @Test
    void malformedVectorsRaiseMalformedPacketException() {
        List<String> vectors = List.of(
                "011234",                                       // header truncated
                "01123400",                                     // ok header, then below: bad options
                "0112340001",                                   // half an option header
                "01123400" + "0001" + "0010" + "00030001",      // option length past the end
                "01123400" + "0003" + "0008" + "0000000100000000", // IA_NA shorter than 12
                "01123400" + "0003" + "0014" + "000000010000000000000000" + "0005" + "0018" + "20010db8", // nested IAADDR past its IA_NA
                "01123400" + "0006" + "0003" + "003b00",       // ORO of odd length
                "01123400" + "0008" + "0001" + "00",           // elapsed time of 1 octet
                "01123400" + "0007" + "0000",                  // preference of 0 octets
                "01123400" + "000e" + "0001" + "00",           // rapid commit with data
                "01123400" + "0001" + "0005" + "0004aabbcc",   // DUID-UUID of 3 octets
                "01123400" + "0001" + "0001" + "00",           // DUID without its type
                "01123400" + "0001" + "0004" + "00010001",     // DUID-LLT without its time
                "01123400" + "0010" + "0008" + "00000157" + "0005" + "41", // vendor class item past its option
                "01123400" + "000f" + "0001" + "00",           // user class item without its length
                "01123400" + "0017" + "0008" + "2001db8000000000", // DNS servers not a multiple of 16
                "01123400" + "003d" + "0003" + "000700");      // client arch of odd length
        for (String v : vectors.subList(2, vectors.size())) {
            assertThatThrownBy(() -> Dhcp6Codec.decode(HEX.parseHex(v))).as(v).isInstanceOf(MalformedPacketException.class);
        }
        assertThatThrownBy(() -> Dhcp6Codec.decode(HEX.parseHex(vectors.get(0)))).isInstanceOf(MalformedPacketException.class);
        assertThat(Dhcp6Codec.decode(HEX.parseHex(vectors.get(1))).options()).isEmpty();
    }

    @Test
    void nestingDeeperThanAnIaAddressStatusIsRefused() {
        // IAADDR inside IAADDR inside ... : each level 24 octets of fixed fields plus a 4-octet header
        String inner = "";
        for (int i = 0; i < 8; i++) {
            String body = "20010db8000000000000000000000021" + "00000001" + "00000002" + inner;
            inner = "0005" + String.format("%04x", body.length() / 2) + body;
        }
        String wire = "01123400" + inner;
        assertThatThrownBy(() -> Dhcp6Codec.decode(HEX.parseHex(wire)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("nested");
    }

    @Test
    void decodingLeavesTheCallersBufferAlone() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(HEX.parseHex(DHCLIENT_SOLICIT));
        Dhcp6Codec.decode(b);
        assertThat(b.position()).isZero();
    }
}
