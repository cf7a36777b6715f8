package io.kubermesh.provider.baremetal.wol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MagicPacketTest {
    /** The AMD "Magic Packet Technology" white paper's layout: sync stream, then the address sixteen times. */
    @Test
    void goldenVector() {
        String mac = "525400123456";
        assertThat(HexFormat.of().formatHex(MagicPacket.encode(MacAddress.parse("52:54:00:12:34:56"))))
                .isEqualTo("ffffffffffff" + mac.repeat(16));
        assertThat(MagicPacket.encode(MacAddress.parse("52:54:00:12:34:56"))).hasSize(102);
    }

    @Test
    void malformedVectors() {
        byte[] good = MagicPacket.encode(MacAddress.parse("52:54:00:12:34:56"));
        assertThatThrownBy(() -> MagicPacket.decode(java.util.Arrays.copyOf(good, 101)))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("102 bytes");
        byte[] noSync = good.clone();
        noSync[3] = 0;
        assertThatThrownBy(() -> MagicPacket.decode(noSync)).hasMessageContaining("six 0xFF");
        byte[] changed = good.clone();
        changed[101] ^= 1;
        assertThatThrownBy(() -> MagicPacket.decode(changed)).hasMessageContaining("repetition 15");
    }

    @Property
    void roundTrip(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long value) {
        MacAddress mac = new MacAddress(value);
        assertThat(MagicPacket.decode(MagicPacket.encode(mac))).isEqualTo(mac);
    }

    @Property
    void anyBytesDecodeOrAreMalformed(@ForAll @Size(max = 110) byte[] bytes) {
        try {
            MagicPacket.decode(bytes);
        } catch (MalformedPacketException expected) {
            // the one way to refuse
        }
    }
}
