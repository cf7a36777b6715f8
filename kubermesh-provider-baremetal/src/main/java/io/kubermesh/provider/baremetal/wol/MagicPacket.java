package io.kubermesh.provider.baremetal.wol;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import java.util.Arrays;

/**
 * The Wake-on-LAN magic packet: six 0xFF bytes, then the target MAC sixteen times (102 bytes).
 * A NIC in its wake state scans every frame for this pattern, whatever the protocol around it.
 */
final class MagicPacket {
    static final int LENGTH = 6 + 16 * 6;
    /** The EtherType registered for Wake-on-LAN frames. */
    static final int ETHERTYPE = 0x0842;

    private MagicPacket() {
    }

    static byte[] encode(MacAddress target) {
        byte[] out = new byte[LENGTH];
        Arrays.fill(out, 0, 6, (byte) 0xFF);
        byte[] mac = target.toBytes();
        for (int i = 0; i < 16; i++) {
            System.arraycopy(mac, 0, out, 6 + 6 * i, 6);
        }
        return out;
    }

    /** The MAC a magic packet wakes; anything else is malformed. */
    static MacAddress decode(byte[] payload) {
        if (payload.length != LENGTH) {
            throw new MalformedPacketException("a magic packet has " + LENGTH + " bytes, got " + payload.length);
        }
        for (int i = 0; i < 6; i++) {
            if (payload[i] != (byte) 0xFF) {
                throw new MalformedPacketException("a magic packet starts with six 0xFF bytes");
            }
        }
        byte[] mac = Arrays.copyOfRange(payload, 6, 12);
        for (int i = 1; i < 16; i++) {
            if (!Arrays.equals(mac, Arrays.copyOfRange(payload, 6 + 6 * i, 12 + 6 * i))) {
                throw new MalformedPacketException("repetition " + i + " of the MAC differs from the first");
            }
        }
        return MacAddress.fromBytes(mac);
    }
}
