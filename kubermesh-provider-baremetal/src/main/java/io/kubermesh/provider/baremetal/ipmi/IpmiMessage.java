package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import java.util.Arrays;

/**
 * An IPMI LAN message (IPMI 2.0 section 13.8): responder address, network function and LUN, a
 * checksum, requester address, sequence and LUN, command, data, and a second checksum. The
 * checksums are two's complement sums (the bytes they cover plus the checksum sum to zero).
 *
 * @param netFn the network function; a response's is the request's plus one
 * @param sequence the requester's sequence number, 0..63, that pairs a response with its request
 * @param data for a response, the completion code first
 */
record IpmiMessage(int responderAddress, int netFn, int requesterAddress, int sequence, int command, byte[] data) {
    static final int BMC = 0x20;
    /** Software ID of a remote console (section 5.5). */
    static final int REMOTE_CONSOLE = 0x81;

    static final int NETFN_CHASSIS = 0x00;
    static final int NETFN_APP = 0x06;

    IpmiMessage {
        if (netFn < 0 || netFn > 0x3F || sequence < 0 || sequence > 0x3F || command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("netFn and sequence have 6 bits, the command 8");
        }
        data = data.clone();
    }

    static IpmiMessage request(int netFn, int sequence, int command, byte... data) {
        return new IpmiMessage(BMC, netFn, REMOTE_CONSOLE, sequence, command, data);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    boolean isResponse() {
        return (netFn & 1) == 1;
    }

    /** A response's completion code (0 is success). */
    int completionCode() {
        if (data.length == 0) {
            throw new MalformedPacketException("a response without a completion code");
        }
        return data[0] & 0xFF;
    }

    /**
     * Encodes as the requester (the responder address first) for a request and as the responder
     * (the requester address first) for a response, the way each travels on the wire.
     */
    byte[] encode() {
        byte[] out = new byte[7 + data.length];
        boolean response = isResponse();
        out[0] = (byte) (response ? requesterAddress : responderAddress);
        out[1] = (byte) (netFn << 2);
        out[2] = checksum(out, 0, 2);
        out[3] = (byte) (response ? responderAddress : requesterAddress);
        out[4] = (byte) (sequence << 2);
        out[5] = (byte) command;
        System.arraycopy(data, 0, out, 6, data.length);
        out[out.length - 1] = checksum(out, 3, out.length - 1);
        return out;
    }

    static IpmiMessage decode(byte[] m) {
        if (m.length < 7) {
            throw new MalformedPacketException("an IPMI message has at least 7 bytes, got " + m.length);
        }
        if (checksum(m, 0, 3) != 0 || checksum(m, 3, m.length) != 0) {
            throw new MalformedPacketException("IPMI message checksum does not add up");
        }
        int netFn = (m[1] & 0xFF) >>> 2;
        boolean response = (netFn & 1) == 1;
        int first = m[0] & 0xFF;
        int second = m[3] & 0xFF;
        return new IpmiMessage(response ? second : first, netFn, response ? first : second, (m[4] & 0xFF) >>> 2,
                m[5] & 0xFF, Arrays.copyOfRange(m, 6, m.length - 1));
    }

    /** The byte that makes {@code b[from..to)} plus itself sum to zero modulo 256. */
    static byte checksum(byte[] b, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += b[i];
        }
        return (byte) -sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpmiMessage x && x.responderAddress == responderAddress && x.netFn == netFn
                && x.requesterAddress == requesterAddress && x.sequence == sequence && x.command == command
                && Arrays.equals(x.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) + 31 * command + 961 * netFn;
    }

    @Override
    public String toString() {
        return String.format("IpmiMessage[netFn 0x%02x cmd 0x%02x seq %d data %s]", netFn, command, sequence,
                java.util.HexFormat.of().formatHex(data));
    }
}
