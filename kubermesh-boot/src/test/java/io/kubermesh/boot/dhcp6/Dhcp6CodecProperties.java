package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MalformedPacketException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

public class Dhcp6CodecProperties {

    /** The codec as {@link io.kubermesh.testkit.CodecFuzz} drives it (also from the benchmark's million-input run). */
    public static final io.kubermesh.testkit.CodecFuzz.Codec<Dhcp6Message> CODEC = new io.kubermesh.testkit.CodecFuzz.Codec<>() {
        @Override
        public Dhcp6Message decode(byte[] w) {
            return Dhcp6Codec.decode(w);
        }

        @Override
        public byte[] encode(Dhcp6Message m) {
            return Dhcp6Codec.encodeToBytes(m);
        }
    };

    /** Mutated valid packets: whatever decodes re-encodes to an equivalent packet (issue 15). */
    @Property(tries = 500)
    void mutatedPacketsThatDecodeReencodeToAnEquivalentPacket(@ForAll("messages") Dhcp6Message p, @ForAll long seed) {
        byte[] wire = CODEC.encode(p);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            io.kubermesh.testkit.CodecFuzz.check(CODEC, io.kubermesh.testkit.CodecFuzz.mutate(wire, r, java.util.List.of(wire)));
        }
    }


    @Property(tries = 2000)
    void decodeInvertsEncode(@ForAll("messages") Dhcp6Message m) {
        assertThat(Dhcp6Codec.decode(Dhcp6Codec.encode(m))).isEqualTo(m);
    }

    @Property(tries = 3000)
    void anyBytesDecodeOrRaiseMalformedPacket(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            Dhcp6Message m = Dhcp6Codec.decode(bytes);
            assertThat(Dhcp6Codec.decode(Dhcp6Codec.encode(m)).type()).isEqualTo(m.type());
        } catch (MalformedPacketException expected) {
            // the only exception decode may raise
        }
    }

    @Property(tries = 3000)
    void damagedMessagesDecodeOrRaiseMalformedPacket(@ForAll("messages") Dhcp6Message m,
                                                      @ForAll int where, @ForAll byte value, @ForAll boolean cut) {
        byte[] bytes = Dhcp6Codec.encodeToBytes(m);
        int at = Math.floorMod(where, bytes.length);
        byte[] damaged = cut ? java.util.Arrays.copyOf(bytes, at) : bytes.clone();
        if (!cut) {
            damaged[at] = value;
        }
        try {
            Dhcp6Codec.decode(damaged);
        } catch (MalformedPacketException expected) {
            // fine
        }
    }

    @Provide
    public Arbitrary<Dhcp6Message> messages() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 0xFF_FFFF),
                option().list().ofMaxSize(6)).as((t, x, o) -> new Dhcp6Message(MessageType.of(t), x, o));
    }

    private Arbitrary<Octets> octets(int max) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(max).map(Octets::of);
    }

    private Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u07ff').ofMaxLength(40);
    }

    private Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    private Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    Arbitrary<Duid> duid() {
        return Arbitraries.oneOf(
                Combinators.combine(u16(), u32(), octets(16)).as(Duid.LinkLayerTime::new),
                Combinators.combine(u32(), octets(16)).as(Duid.Enterprise::new),
                Combinators.combine(u16(), octets(16)).as(Duid.LinkLayer::new),
                Arbitraries.bytes().array(byte[].class).ofSize(16).map(b -> new Duid.Uuid(Octets.of(b))),
                Combinators.combine(u16().filter(t -> t < 1 || t > 4), octets(16)).as(Duid.Other::new));
    }

    Arbitrary<Ipv6Address> address() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Ipv6Address::new);
    }

    Arbitrary<Dhcp6Option.Status> status() {
        return Combinators.combine(u16(), text()).as(Dhcp6Option.Status::new);
    }

    Arbitrary<Dhcp6Option.IaAddress> iaAddress() {
        return Combinators.combine(address(), u32(), u32(), status().list().ofMaxSize(1))
                .as((a, p, v, s) -> new Dhcp6Option.IaAddress(a, p, v, List.copyOf(s)));
    }

    Arbitrary<Dhcp6Option> option() {
        Arbitrary<Dhcp6Option> inIa = Arbitraries.oneOf(iaAddress(), status());
        return Arbitraries.oneOf(
                duid().map(Dhcp6Option.ClientId::new),
                duid().map(Dhcp6Option.ServerId::new),
                Combinators.combine(u32(), u32(), u32(), inIa.list().ofMaxSize(3)).as(Dhcp6Option.IaNa::new),
                iaAddress(),
                u16().list().ofMaxSize(5).map(Dhcp6Option.OptionRequest::new),
                Arbitraries.integers().between(0, 255).map(Dhcp6Option.Preference::new),
                u16().map(Dhcp6Option.ElapsedTime::new),
                status(),
                Arbitraries.just(new Dhcp6Option.RapidCommit()),
                octets(12).list().ofMaxSize(3).map(Dhcp6Option.UserClass::new),
                Combinators.combine(u32(), octets(12).list().ofMaxSize(3)).as(Dhcp6Option.VendorClass::new),
                address().list().ofMaxSize(3).map(Dhcp6Option.DnsServers::new),
                text().map(Dhcp6Option.BootfileUrl::new),
                octets(12).list().ofMaxSize(3).map(Dhcp6Option.BootfileParams::new),
                u16().list().ofMaxSize(3).map(Dhcp6Option.ClientArch::new),
                Combinators.combine(u16().filter(c -> !OptionCode.isTyped(c)), octets(20)).as(Dhcp6Option.Raw::new));
    }
}
