package io.kubermesh.boot.tftp;

import io.kubermesh.api.MalformedPacketException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

public class TftpCodecProperties {

    /** The codec as {@link io.kubermesh.testkit.CodecFuzz} drives it (also from the benchmark's million-input run). */
    public static final io.kubermesh.testkit.CodecFuzz.Codec<TftpPacket> CODEC = new io.kubermesh.testkit.CodecFuzz.Codec<>() {
        @Override
        public TftpPacket decode(byte[] w) {
            return TftpCodec.decode(w);
        }

        @Override
        public byte[] encode(TftpPacket m) {
            return TftpCodec.encode(m);
        }
    };

    /** Mutated valid packets: whatever decodes re-encodes to an equivalent packet (issue 15). */
    @Property(tries = 500)
    void mutatedPacketsThatDecodeReencodeToAnEquivalentPacket(@ForAll("packets") TftpPacket p, @ForAll long seed) {
        byte[] wire = CODEC.encode(p);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 20; i++) {
            io.kubermesh.testkit.CodecFuzz.check(CODEC, io.kubermesh.testkit.CodecFuzz.mutate(wire, r, java.util.List.of(wire)));
        }
    }

    @Property
    void decodeOfEncodeIsIdentity(@ForAll("packets") TftpPacket p) {
        byte[] wire = TftpCodec.encode(p);
        assertThat(wire).hasSize(TftpCodec.size(p));
        assertThat(TftpCodec.decode(wire)).isEqualTo(p);
    }

    @Property(tries = 3000)
    void anyBytesDecodeOrThrowMalformed(@ForAll @Size(max = 80) byte[] bytes) {
        try {
            TftpPacket p = TftpCodec.decode(ByteBuffer.wrap(bytes));
            assertThat(TftpCodec.encode(p)).isEqualTo(bytes);
        } catch (MalformedPacketException expected) {
            // the only exception allowed
        }
    }

    @Property(tries = 2000)
    void anyBytesAfterAValidOpcodeDecodeOrThrowMalformed(@ForAll("opcodes") int opcode, @ForAll @Size(max = 60) byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(2 + rest.length).putShort((short) opcode).put(rest).flip();
        try {
            TftpCodec.decode(b);
        } catch (MalformedPacketException expected) {
            // fine
        }
    }

    @Provide
    Arbitrary<Integer> opcodes() {
        return Arbitraries.integers().between(0, 7);
    }

    private static Arbitrary<String> text(int min) {
        return Arbitraries.strings().withCharRange((char) 1, (char) 0xFF).ofMinLength(min).ofMaxLength(20);
    }

    private static Arbitrary<java.util.List<TftpOption>> options() {
        return Combinators.combine(text(1), text(0)).as(TftpOption::new).list().ofMaxSize(5);
    }

    @Provide
    public Arbitrary<TftpPacket> packets() {
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 65535);
        return Arbitraries.oneOf(
                Combinators.combine(text(0), text(0), options()).as(TftpPacket.ReadRequest::new),
                Combinators.combine(text(0), text(0), options()).as(TftpPacket.WriteRequest::new),
                Combinators.combine(u16, Arbitraries.bytes().array(byte[].class).ofMaxSize(600)).as(TftpPacket.Data::new),
                u16.map(TftpPacket.Ack::new),
                Combinators.combine(u16, text(0)).as(TftpPacket.Error::new),
                options().map(TftpPacket.OptionAck::new));
    }
}
