package io.kubermesh.routing.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(x)) == x in both byte orders; any bytes decode or raise MalformedPacketException. */
public class NetlinkCodecProperties {

    /** The codec as {@link io.kubermesh.testkit.CodecFuzz} drives it (also from the benchmark's million-input run). */
    public static final io.kubermesh.testkit.CodecFuzz.Codec<java.util.List<NetlinkMessage>> CODEC = new io.kubermesh.testkit.CodecFuzz.Codec<>() {
        @Override
        public java.util.List<NetlinkMessage> decode(byte[] w) {
            return NetlinkCodec.decode(java.nio.ByteBuffer.wrap(w), java.nio.ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public byte[] encode(java.util.List<NetlinkMessage> m) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            m.forEach(x -> out.writeBytes(NetlinkCodec.encode(x, java.nio.ByteOrder.LITTLE_ENDIAN)));
            return out.toByteArray();
        }
    };

    /** Mutated valid packets: whatever decodes re-encodes to an equivalent packet (issue 15). */
    @Property(tries = 500)
    void mutatedPacketsThatDecodeReencodeToAnEquivalentPacket(@ForAll("messageLists") java.util.List<NetlinkMessage> ms, @ForAll long seed) {
        byte[] wire = CODEC.encode(ms);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            io.kubermesh.testkit.CodecFuzz.check(CODEC, io.kubermesh.testkit.CodecFuzz.mutate(wire, r, java.util.List.of(wire)));
        }
    }

    @Property(tries = 500)
    void roundTrip(@ForAll("messages") NetlinkMessage m, @ForAll boolean bigEndian) {
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] b = NetlinkCodec.encode(m, order);
        assertThat(b.length % 4).isZero();
        assertThat(NetlinkCodec.decode(ByteBuffer.wrap(b), order)).containsExactly(m);
    }

    @Property(tries = 200)
    void aDatagramOfSeveralMessagesDecodesToAllOfThem(@ForAll("messageLists") List<NetlinkMessage> ms) {
        ByteBuffer b = ByteBuffer.allocate(ms.stream().mapToInt(m -> NetlinkCodec.encode(m).length).sum());
        ms.forEach(m -> b.put(NetlinkCodec.encode(m)));
        assertThat(NetlinkCodec.decode(b.flip())).containsExactlyElementsOf(ms);
    }

    @Property(tries = 2000)
    void anyBytesDecodeOrAreMalformed(@ForAll byte[] bytes) {
        try {
            NetlinkCodec.decode(ByteBuffer.wrap(bytes), ByteOrder.LITTLE_ENDIAN);
        } catch (MalformedPacketException expected) {
            // the one allowed failure
        }
    }

    @Property(tries = 1000)
    void mutatedValidMessagesDecodeOrAreMalformed(@ForAll("messages") NetlinkMessage m, @ForAll int at, @ForAll byte value) {
        byte[] b = NetlinkCodec.encode(m, ByteOrder.LITTLE_ENDIAN);
        b[Math.floorMod(at, b.length)] = value;
        try {
            NetlinkCodec.decode(ByteBuffer.wrap(b), ByteOrder.LITTLE_ENDIAN);
        } catch (MalformedPacketException expected) {
            // the one allowed failure
        }
    }

    @Provide
    public Arbitrary<List<NetlinkMessage>> messageLists() {
        return messages().list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<NetlinkMessage> messages() {
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<NetlinkMessage> link = Combinators.combine(Arbitraries.integers().between(16, 18), flags, any, links(1))
                .as((t, f, s, l) -> new NetlinkMessage(t, f, s, 0, l));
        Arbitrary<NetlinkMessage> addr = Combinators.combine(Arbitraries.integers().between(20, 22), flags, any, addresses())
                .as((t, f, s, a) -> new NetlinkMessage(t, f, s, 1, a));
        Arbitrary<NetlinkMessage> route = Combinators.combine(Arbitraries.integers().between(24, 26), flags, any, routes())
                .as((t, f, s, r) -> new NetlinkMessage(t, f, s, 2, r));
        Arbitrary<NetlinkMessage> done = any.map(s -> new NetlinkMessage(3, 2, s, 3, new NetlinkDone(s % 200)));
        Arbitrary<NetlinkMessage> error = Combinators.combine(any, flags, Arbitraries.strings().alpha().ofMaxLength(40)
                .optional()).as((e, f, text) -> new NetlinkMessage(2,
                RtnetlinkCodes.NLM_F_CAPPED | (text.isPresent() ? RtnetlinkCodes.NLM_F_ACK_TLVS : 0), 9, 4,
                new NetlinkError(e, 16, 20, f, 9, 0, text)));
        Arbitrary<NetlinkMessage> opaque = Combinators.combine(Arbitraries.integers().between(40, 0xFFFF),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> java.util.Arrays.copyOf(b, b.length / 4 * 4)))
                .as((t, b) -> new NetlinkMessage(t, 0, 0, 0, new OpaquePayload(b)));
        return Arbitraries.oneOf(link, addr, route, done, error, opaque);
    }

    private static Arbitrary<Ipv6Address> ipv6() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Ipv6Address::new);
    }

    /** Unknown attributes: numbers no codec models (30000+), so they stay raw. */
    private static Arbitrary<List<Attribute>> unknown() {
        return Combinators.combine(Arbitraries.integers().between(30000, 0x3FFF + 30000).map(x -> x & 0x7FFF | 0x4000),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(24)).as(Attribute::new).list().ofMaxSize(3);
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(15);
    }

    private static Arbitrary<LinkMessage> links(int depth) {
        Arbitrary<Optional<LinkInfo>> info = depth == 0
                ? Arbitraries.of("ifb", "dummy").map(k -> Optional.of(LinkInfo.of(k)))
                : Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
                        Arbitraries.of("ifb", "dummy").map(k -> Optional.of(LinkInfo.of(k))),
                        links(depth - 1).map(p -> Optional.of(new LinkInfo("veth", Optional.of(p), List.of()))));
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers(), Arbitraries.integers(),
                names().optional(), Arbitraries.integers().optional(),
                Arbitraries.longs().between(0, MacAddress.MASK).map(MacAddress::new).optional(), info, unknown())
                .as((type, index, flags, name, mtu, mac, i, other) -> new LinkMessage(0, type, index, flags, ~flags, name,
                        mtu.map(OptionalInt::of).orElse(OptionalInt.empty()), mac,
                        OptionalInt.of(index & 0xFF), i, OptionalInt.empty(), other));
    }

    private static Arbitrary<AddressMessage> addresses() {
        Arbitrary<Optional<AddressCacheInfo>> cache = Combinators.combine(Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL)).as(AddressCacheInfo::lifetimes).optional();
        return Combinators.combine(Arbitraries.integers().between(0, 128), Arbitraries.integers().between(0, 255),
                Arbitraries.integers(), ipv6().optional(), ipv6().optional(), Arbitraries.integers().optional(), cache,
                unknown()).as((len, fl, idx, a, l, ext, c, other) -> new AddressMessage(RtnetlinkCodes.AF_INET6, len, fl,
                fl ^ 0x55, idx, a, l, ext.map(OptionalInt::of).orElse(OptionalInt.empty()), c, other));
    }

    private static Arbitrary<MultipathHop> hops() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                Arbitraries.integers(), ipv6().optional(), unknown()).as(MultipathHop::new);
    }

    private static Arbitrary<RouteMessage> routes() {
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 255);
        return Combinators.combine(Arbitraries.integers().between(0, 128), u8, ipv6(), Arbitraries.integers().optional(),
                ipv6().optional(), hops().list().ofMaxSize(4), unknown(), Arbitraries.integers())
                .as((len, b, dst, oif, gw, mp, other, flags) -> new RouteMessage(RtnetlinkCodes.AF_INET6, len, 0, 0, b,
                        b ^ 3, b ^ 7, 1, flags, Optional.of(dst.mask(len)),
                        oif.map(OptionalInt::of).orElse(OptionalInt.empty()), gw, OptionalInt.of(b * 7),
                        OptionalInt.of(b), mp, other));
    }
}
