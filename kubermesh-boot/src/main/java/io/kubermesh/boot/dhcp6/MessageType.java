package io.kubermesh.boot.dhcp6;

import java.util.Map;

/**
 * A DHCPv6 message type (RFC 8415 section 7.3). Open: {@link #of} returns the known constant or a
 * new instance for a code this server does not name, so a relay message still decodes.
 *
 * @param code the wire value, 0..255
 * @param name the RFC name, or {@code TYPE-n}
 */
public record MessageType(int code, String name) {
    public static final MessageType SOLICIT = new MessageType(1, "SOLICIT");
    public static final MessageType ADVERTISE = new MessageType(2, "ADVERTISE");
    public static final MessageType REQUEST = new MessageType(3, "REQUEST");
    public static final MessageType CONFIRM = new MessageType(4, "CONFIRM");
    public static final MessageType RENEW = new MessageType(5, "RENEW");
    public static final MessageType REBIND = new MessageType(6, "REBIND");
    public static final MessageType REPLY = new MessageType(7, "REPLY");
    public static final MessageType RELEASE = new MessageType(8, "RELEASE");
    public static final MessageType DECLINE = new MessageType(9, "DECLINE");
    public static final MessageType RECONFIGURE = new MessageType(10, "RECONFIGURE");
    public static final MessageType INFORMATION_REQUEST = new MessageType(11, "INFORMATION-REQUEST");
    public static final MessageType RELAY_FORW = new MessageType(12, "RELAY-FORW");
    public static final MessageType RELAY_REPL = new MessageType(13, "RELAY-REPL");

    private static final Map<Integer, MessageType> KNOWN = Map.ofEntries(
            Map.entry(1, SOLICIT), Map.entry(2, ADVERTISE), Map.entry(3, REQUEST), Map.entry(4, CONFIRM),
            Map.entry(5, RENEW), Map.entry(6, REBIND), Map.entry(7, REPLY), Map.entry(8, RELEASE),
            Map.entry(9, DECLINE), Map.entry(10, RECONFIGURE), Map.entry(11, INFORMATION_REQUEST),
            Map.entry(12, RELAY_FORW), Map.entry(13, RELAY_REPL));

    public MessageType {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("a DHCPv6 message type is one octet, got " + code);
        }
    }

    public static MessageType of(int code) {
        MessageType known = KNOWN.get(code);
        return known != null ? known : new MessageType(code, "TYPE-" + code);
    }

    @Override
    public String toString() {
        return name;
    }
}
