package io.kubermesh.boot.ra;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.boot.dhcp6.Octets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

public class NdCodecProperties {

    /** The codec as {@link io.kubermesh.testkit.CodecFuzz} drives it (also from the benchmark's million-input run). */
    public static final io.kubermesh.testkit.CodecFuzz.Codec<NdMessage> CODEC = new io.kubermesh.testkit.CodecFuzz.Codec<>() {
        @Override
        public NdMessage decode(byte[] w) {
            return NdCodec.decode(w);
        }

        @Override
        public byte[] encode(NdMessage m) {
            return NdCodec.encode(m);
        }
    };

    /** Mutated valid packets: whatever decodes re-encodes to an equivalent packet (issue 15). */
    @Property(tries = 500)
    void mutatedPacketsThatDecodeReencodeToAnEquivalentPacket(@ForAll("messages") NdMessage p, @ForAll long seed) {
        byte[] wire = CODEC.encode(p);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            io.kubermesh.testkit.CodecFuzz.check(CODEC, io.kubermesh.testkit.CodecFuzz.mutate(wire, r, java.util.List.of(wire)));
        }
    }


    @Property(tries = 2000)
    void decodeInvertsEncode(@ForAll("messages") NdMessage m) {
        assertThat(NdCodec.decode(NdCodec.encode(m))).isEqualTo(m);
    }

    @Property(tries = 3000)
    void anyBytesDecodeOrRaiseMalformedPacket(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            NdCodec.decode(bytes);
        } catch (MalformedPacketException expected) {
            // the only exception decode may raise
        }
    }

    @Property(tries = 2000)
    void damagedMessagesDecodeOrRaiseMalformedPacket(@ForAll("messages") NdMessage m, @ForAll int where, @ForAll byte value) {
        byte[] bytes = NdCodec.encode(m);
        bytes[Math.floorMod(where, bytes.length)] = value;
        try {
            NdCodec.decode(bytes);
        } catch (MalformedPacketException expected) {
            // fine
        }
    }

    @Provide
    public Arbitrary<NdMessage> messages() {
        Arbitrary<NdOption> option = Arbitraries.oneOf(
                Arbitraries.longs().between(0, MacAddress.MASK).map(v -> new NdOption.SourceLinkLayer(new MacAddress(v))),
                Combinators.combine(Arbitraries.integers().between(0, 128), Arbitraries.of(true, false),
                        Arbitraries.of(true, false), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                        Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                        Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Ipv6Address::new))
                        .as(NdOption.PrefixInformation::new),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(NdOption.Mtu::new),
                Combinators.combine(Arbitraries.integers().between(0, 255).filter(t -> t != 1 && t != 3 && t != 5),
                        Arbitraries.integers().between(0, 4)).flatAs((t, units) -> Arbitraries.bytes().array(byte[].class)
                        .ofSize(units * 8 + 6).map(b -> new NdOption.Raw(t, Octets.of(b)))));
        Arbitrary<NdMessage> rs = option.list().ofMaxSize(4).map(NdMessage.RouterSolicitation::new);
        Arbitrary<NdMessage> ra = Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                option.list().ofMaxSize(4)).as(NdMessage.RouterAdvertisement::new);
        Arbitrary<NdMessage> other = Combinators.combine(Arbitraries.integers().between(0, 255).filter(t -> t != 133 && t != 134),
                Arbitraries.integers().between(0, 255), Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((t, c, b) -> new NdMessage.Other(t, c, Octets.of(b)));
        return Arbitraries.oneOf(rs, ra, other);
    }
}
