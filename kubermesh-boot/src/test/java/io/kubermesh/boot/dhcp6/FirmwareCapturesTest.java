package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DHCPv6 messages of real boot firmware, captured with tcpdump on the tap of the VM boot tests
 * (UefiHttpBootIT, BiosPxeBootIT): what the firmware sends, decoded field by field, and what
 * kubermesh answers, compared byte for byte with what it answered on the wire.
 */
class FirmwareCapturesTest {
    private static final HexFormat HEX = HexFormat.of();
    static final MacAddress OVMF_NIC = MacAddress.parse("52:54:00:aa:00:0c");
    static final MacAddress SEABIOS_NIC = MacAddress.parse("52:54:00:aa:00:0d");

    /** OVMF 2022.11 (Debian ovmf), "UEFI HTTPv6" boot option: its first Solicit. */
    static final String OVMF_HTTP_SOLICIT = "01bd9c56"
            + "0001" + "0012" + "0004" + "346a1f3b11116e4c9d3e0a0a0a0a0a0c"      // client id: DUID-UUID
            + "0008" + "0002" + "0000"                                          // elapsed 0
            + "0003" + "000c" + "f93624de" + "ffffffff" + "ffffffff"            // IA_NA, T1 = T2 = infinity
            + "0006" + "0008" + "003b003c00170010"                              // ORO 59, 60, 23, 16
            + "003e" + "0003" + "010300"                                        // NII (RFC 5970): UNDI 3.0
            + "003d" + "0002" + "0010"                                          // client arch 16
            + "0010" + "0027" + "00000157" + "0021" + hex("HTTPClient:Arch:00016:UNDI:003000");

    /** kubermesh's Advertise to that Solicit, as it went out on the tap. */
    static final String KUBERMESH_HTTP_ADVERTISE = "02bd9c56"
            + "0002" + "000a" + "0003" + "0001" + "525400000001"                 // server id: DUID-LL of the node
            + "0001" + "0012" + "0004" + "346a1f3b11116e4c9d3e0a0a0a0a0a0c"      // client id echoed
            + "0003" + "0028" + "f93624de" + "00000708" + "00000b40"            // IA_NA, T1 1800, T2 2880
            + "0005" + "0018" + "20010db80000000000a4a80000000221" + "00000e10" + "00001c20"
            + "0007" + "0001" + "ff"                                            // preference 255
            + "003b" + "0031" + hex("http://[2001:db8::a4:a800:0:220]:8080/snponly.efi")
            + "0010" + "0010" + "00000157" + "000a" + hex("HTTPClient");       // vendor class echoed

    /** Debian's ipxe-qemu ROM (iPXE 1.0.0+git-20190125) for virtio-net under SeaBIOS 1.16.2: its first Solicit. */
    static final String IPXE_ROM_SOLICIT = "01eee5df"
            + "0001" + "0012" + "0004" + "3b1f6a3422224c6e9d3e0a0a0a0a0a0d"      // client id: DUID-UUID
            + "0003" + "000c" + "268b64fc" + "00000000" + "00000000"            // IA_NA
            + "0006" + "0008" + "00170018003b003c"                              // ORO 23, 24, 59, 60
            + "0010" + "0026" + "00000157" + "0020" + hex("PXEClient:Arch:00000:UNDI:002001")
            + "003d" + "0002" + "0000"                                          // client arch 0 (BIOS)
            + "003e" + "0003" + "010201"                                        // NII: UNDI 2.1
            + "000f" + "0006" + "0004" + hex("iPXE")                            // user class iPXE
            + "0008" + "0002" + "0000";                                         // elapsed 0

    @TempDir
    java.nio.file.Path state;
    Dhcp6Engine engine;

    @BeforeEach
    void start() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T11:00:00Z"), ZoneOffset.UTC);
        engine = new Dhcp6Engine(Dhcp6EngineTest.BOOT, List.of(Dhcp6EngineTest.PORT0), Dhcp6EngineTest.SERVER,
                new FileLeaseStore(state), clock);
    }

    private static String hex(String text) {
        return HEX.formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    private Dhcp6Message answer(MacAddress nic, Dhcp6Message solicit) {
        Ipv6Address linkLocal = new Ipv6Address(0xfe80_0000_0000_0000L, nic.eui64());
        return engine.handle(new Dhcp6Engine.Received(0, linkLocal, solicit)).orElseThrow();
    }

    @Test
    void decodesTheOvmfHttpBootSolicitFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(OVMF_HTTP_SOLICIT));
        assertThat(m.type()).isEqualTo(MessageType.SOLICIT);
        assertThat(m.transactionId()).isEqualTo(0xbd9c56);
        assertThat(((Duid.Uuid) m.clientId().orElseThrow()).uuid().toHex()).isEqualTo("346a1f3b11116e4c9d3e0a0a0a0a0a0c");
        assertThat(m.option(Dhcp6Option.ElapsedTime.class).orElseThrow().hundredths()).isZero();
        Dhcp6Option.IaNa ia = m.option(Dhcp6Option.IaNa.class).orElseThrow();
        assertThat(ia.iaid()).isEqualTo(0xf93624deL);
        assertThat(ia.t1()).isEqualTo(0xffffffffL);
        assertThat(ia.t2()).isEqualTo(0xffffffffL);
        assertThat(ia.options()).isEmpty();
        assertThat(m.option(Dhcp6Option.OptionRequest.class).orElseThrow().codes()).containsExactly(59, 60, 23, 16);
        assertThat(m.options()).contains(new Dhcp6Option.Raw(62, Octets.ofHex("010300")));
        assertThat(m.option(Dhcp6Option.ClientArch.class).orElseThrow().types()).containsExactly(16);
        Dhcp6Option.VendorClass vc = m.option(Dhcp6Option.VendorClass.class).orElseThrow();
        assertThat(vc.enterprise()).isEqualTo(BootFile.INTEL_ENTERPRISE);
        assertThat(vc.classes()).extracting(Octets::toText).containsExactly("HTTPClient:Arch:00016:UNDI:003000");
        assertThat(m.option(Dhcp6Option.UserClass.class)).isEmpty();
        assertThat(m.options()).hasSize(7);
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(OVMF_HTTP_SOLICIT);
    }

    @Test
    void theAdvertiseEchoesHttpClientAsOneClassUnderEnterprise343() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(KUBERMESH_HTTP_ADVERTISE));
        assertThat(m.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(m.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url())
                .isEqualTo("http://[2001:db8::a4:a800:0:220]:8080/snponly.efi");
        // option 16 is the last 20 octets: code, length, enterprise, one class: length then the text
        byte[] wire = HEX.parseHex(KUBERMESH_HTTP_ADVERTISE);
        java.nio.ByteBuffer vc = java.nio.ByteBuffer.wrap(wire, wire.length - 20, 20).order(java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(vc.getShort()).isEqualTo((short) 16);
        assertThat(vc.getShort()).as("option length: 4 + 2 + 10").isEqualTo((short) 16);
        assertThat(vc.getInt()).isEqualTo(343);
        assertThat(vc.getShort()).as("class length, no NUL, no :Arch suffix").isEqualTo((short) 10);
        byte[] text = new byte[10];
        vc.get(text);
        assertThat(new String(text, StandardCharsets.US_ASCII)).isEqualTo("HTTPClient");
        assertThat(m.all(Dhcp6Option.VendorClass.class)).containsExactly(BootFile.httpClientVendorClass());
    }

    @Test
    void theEngineAnswersTheOvmfHttpSolicitWithTheCapturedAdvertise() {
        Dhcp6Message advertise = answer(OVMF_NIC, Dhcp6Codec.decode(HEX.parseHex(OVMF_HTTP_SOLICIT)));
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(advertise))).isEqualTo(KUBERMESH_HTTP_ADVERTISE);
    }

    @Test
    void decodesTheIpxeRomSolicitFieldByField() {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(IPXE_ROM_SOLICIT));
        assertThat(m.type()).isEqualTo(MessageType.SOLICIT);
        assertThat(m.transactionId()).isEqualTo(0xeee5df);
        assertThat(((Duid.Uuid) m.clientId().orElseThrow()).uuid().toHex()).isEqualTo("3b1f6a3422224c6e9d3e0a0a0a0a0a0d");
        assertThat(m.option(Dhcp6Option.IaNa.class).orElseThrow().iaid()).isEqualTo(0x268b64fcL);
        assertThat(m.option(Dhcp6Option.OptionRequest.class).orElseThrow().codes()).containsExactly(23, 24, 59, 60);
        assertThat(m.option(Dhcp6Option.VendorClass.class).orElseThrow().classes()).extracting(Octets::toText)
                .containsExactly("PXEClient:Arch:00000:UNDI:002001");
        assertThat(m.option(Dhcp6Option.ClientArch.class).orElseThrow().types()).containsExactly(0);
        assertThat(m.options()).contains(new Dhcp6Option.Raw(62, Octets.ofHex("010201")));
        assertThat(m.option(Dhcp6Option.UserClass.class).orElseThrow().classes()).extracting(Octets::toText)
                .containsExactly("iPXE");
        assertThat(m.options()).hasSize(8);
        assertThat(HEX.formatHex(Dhcp6Codec.encodeToBytes(m))).isEqualTo(IPXE_ROM_SOLICIT);
    }

    @Test
    void theIpxeRomGetsBootIpxeAndWithoutItsUserClassArch0GetsUndionly() {
        String host = "[" + Dhcp6EngineTest.PORT0.thisEnd() + "]";
        Dhcp6Message rom = Dhcp6Codec.decode(HEX.parseHex(IPXE_ROM_SOLICIT));
        Dhcp6Message ipxe = answer(SEABIOS_NIC, rom);
        assertThat(ipxe.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(ipxe.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("http://" + host + ":8080/boot.ipxe");
        assertThat(ipxe.all(Dhcp6Option.VendorClass.class)).isEmpty();
        assertThat(ipxe.option(Dhcp6Option.IaNa.class).orElseThrow().addresses()).extracting(Dhcp6Option.IaAddress::address)
                .containsExactly(Dhcp6EngineTest.PORT0.pool().get(0));

        // the same firmware as a plain PXE BIOS ROM would send it: no user class
        List<Dhcp6Option> plain = new ArrayList<>(rom.options());
        plain.removeIf(o -> o instanceof Dhcp6Option.UserClass);
        Dhcp6Message bios = answer(SEABIOS_NIC, new Dhcp6Message(MessageType.SOLICIT, 0x000001, plain));
        assertThat(bios.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("tftp://" + host + "/undionly.kpxe");
        assertThat(bios.all(Dhcp6Option.VendorClass.class)).isEmpty();
        assertThat(bios.option(Dhcp6Option.IaNa.class).orElseThrow().addresses()).extracting(Dhcp6Option.IaAddress::address)
                .as("one machine, one address, whatever the stage asks").containsExactly(Dhcp6EngineTest.PORT0.pool().get(0));
    }
}
