package io.kubermesh.provider.baremetal.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.MalformedPacketException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IpmiCodecProperties {
    @Property
    void ipmiMessagesRoundTrip(@ForAll @IntRange(min = 0, max = 0x3F) int netFn, @ForAll @IntRange(min = 0, max = 0x3F) int seq,
                               @ForAll @IntRange(min = 0, max = 0xFF) int command, @ForAll @Size(max = 64) byte[] data) {
        IpmiMessage m = new IpmiMessage(0x20, netFn, 0x81, seq, command, data);
        assertThat(IpmiMessage.decode(m.encode())).isEqualTo(m);
    }

    @Property
    void securedPacketsRoundTripUnderAnyKey(@ForAll("suites") CipherSuite suite, @ForAll @Size(20) byte[] sik,
                                            @ForAll @Size(16) byte[] iv, @ForAll @Size(max = 200) byte[] payload,
                                            @ForAll int session, @ForAll int sequence) {
        SessionKeys keys = SessionKeys.of(suite, sik);
        SessionPacket p = SessionPacket.secured(SessionPacket.IPMI, session, sequence, payload);
        byte[] wire = p.encode(keys, iv);
        assertThat((wire.length - 4) % 4).isEqualTo(suite.authCodeLength % 4);
        assertThat(SessionPacket.decode(wire, keys)).isEqualTo(p);
    }

    @Property
    void anyAlteredByteOfASecuredPacketIsRefused(@ForAll @Size(20) byte[] sik, @ForAll @Size(max = 64) byte[] payload,
                                                 @ForAll @IntRange(min = 4, max = 1000) int at, @ForAll @IntRange(min = 1, max = 255) int flip) {
        SessionKeys keys = SessionKeys.of(CipherSuite.SUITE_3, sik);
        byte[] wire = SessionPacket.secured(SessionPacket.IPMI, 1, 2, payload).encode(keys, new byte[16]);
        wire[at % wire.length] ^= (byte) flip;
        if (at % wire.length < 4) {
            return;
        }
        try {
            SessionPacket.decode(wire, keys);
            throw new AssertionError("an altered packet decoded");
        } catch (MalformedPacketException expected) {
            // refused, as it must be
        }
    }

    @Property
    void anyBytesDecodeOrAreMalformed(@ForAll @Size(max = 120) byte[] bytes, @ForAll @Size(20) byte[] sik) {
        SessionKeys keys = SessionKeys.of(CipherSuite.SUITE_17, sik);
        for (Runnable r : new Runnable[] {() -> SessionPacket.decode(bytes, keys), () -> SessionPacket.decode(bytes, null),
                () -> IpmiMessage.decode(bytes), () -> SolPacket.decode(bytes), () -> Rakp.OpenSessionResponse.decode(bytes),
                () -> Rakp.Rakp2.decode(bytes), () -> Rakp.Rakp4.decode(bytes)}) {
            try {
                r.run();
            } catch (MalformedPacketException expected) {
                // the one way a decoder may refuse
            }
        }
    }

    @Property
    void solPacketsRoundTrip(@ForAll @IntRange(max = 15) int seq, @ForAll @IntRange(max = 15) int ack,
                             @ForAll @IntRange(max = 255) int accepted, @ForAll @IntRange(max = 255) int status,
                             @ForAll @Size(max = 200) byte[] data) {
        SolPacket p = new SolPacket(seq, ack, accepted, status, data);
        assertThat(SolPacket.decode(p.encode())).isEqualTo(p);
    }

    @Provide
    Arbitrary<CipherSuite> suites() {
        return Arbitraries.of(CipherSuite.class);
    }
}
