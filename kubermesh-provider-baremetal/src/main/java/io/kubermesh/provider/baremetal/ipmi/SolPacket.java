package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import java.util.Arrays;

/**
 * A Serial-over-LAN payload (IPMI 2.0 section 15.9): packet sequence (1..15; 0 for an
 * acknowledgement alone), the sequence it acknowledges, how many characters of it were accepted,
 * a status or operation byte, then the characters.
 */
record SolPacket(int sequence, int ackSequence, int accepted, int status, byte[] data) {
    SolPacket {
        if (sequence < 0 || sequence > 15 || ackSequence < 0 || ackSequence > 15 || accepted < 0 || accepted > 255) {
            throw new IllegalArgumentException("SOL sequence numbers have 4 bits, accepted counts 8");
        }
        data = data.clone();
    }

    /** An acknowledgement of {@code packet}, every character accepted. */
    static SolPacket ack(SolPacket packet) {
        return new SolPacket(0, packet.sequence, packet.data.length, 0, new byte[0]);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    byte[] encode() {
        byte[] out = new byte[4 + data.length];
        out[0] = (byte) sequence;
        out[1] = (byte) ackSequence;
        out[2] = (byte) accepted;
        out[3] = (byte) status;
        System.arraycopy(data, 0, out, 4, data.length);
        return out;
    }

    static SolPacket decode(byte[] payload) {
        if (payload.length < 4) {
            throw new MalformedPacketException("a SOL payload has at least 4 bytes, got " + payload.length);
        }
        int seq = payload[0] & 0xFF;
        int ack = payload[1] & 0xFF;
        if (seq > 15 || ack > 15) {
            throw new MalformedPacketException("SOL sequence numbers are 0..15, got " + seq + " and " + ack);
        }
        return new SolPacket(seq, ack, payload[2] & 0xFF, payload[3] & 0xFF, Arrays.copyOfRange(payload, 4, payload.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SolPacket p && p.sequence == sequence && p.ackSequence == ackSequence
                && p.accepted == accepted && p.status == status && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) + sequence * 31;
    }
}
