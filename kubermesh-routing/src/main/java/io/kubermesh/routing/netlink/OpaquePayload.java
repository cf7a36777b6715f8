package io.kubermesh.routing.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/** The payload of a message type the codec does not model, kept byte for byte. */
public record OpaquePayload(byte[] bytes) implements NetlinkMessage.Payload {
    public OpaquePayload {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpaquePayload p && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "OpaquePayload[" + HexFormat.of().formatHex(bytes) + "]";
    }
}
