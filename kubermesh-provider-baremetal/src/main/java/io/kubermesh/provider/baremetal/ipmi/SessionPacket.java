package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One RMCP+ datagram (IPMI 2.0 section 13.6): the RMCP header (4 bytes: version 6, reserved,
 * sequence 0xFF "no ack", class 7 IPMI), the session header (auth type 6, payload type with the
 * encrypted and authenticated bits, session ID and sequence number little-endian, payload length),
 * the payload, and for authenticated packets the trailer: 0xFF integrity pad to a multiple of four,
 * pad length, next header 7, and the AuthCode over everything from the auth type on.
 *
 * @param payloadType 0 IPMI message, 1 SOL, 0x10..0x15 session setup
 * @param sessionId the receiver's session ID (0 before a session exists)
 * @param payload the plain payload (encryption is applied by {@link #encode} and removed by {@link #decode})
 */
record SessionPacket(int payloadType, boolean encrypted, boolean authenticated, int sessionId, int sequence,
                     byte[] payload) {
    static final int IPMI = 0x00;
    static final int SOL = 0x01;
    static final int OPEN_SESSION_REQUEST = 0x10;
    static final int OPEN_SESSION_RESPONSE = 0x11;
    static final int RAKP_1 = 0x12;
    static final int RAKP_2 = 0x13;
    static final int RAKP_3 = 0x14;
    static final int RAKP_4 = 0x15;

    private static final int RMCP_HEADER = 4;
    private static final int SESSION_HEADER = 12;
    private static final int MAX_PAYLOAD = 1024;

    SessionPacket {
        if (payloadType < 0 || payloadType > 0x3F) {
            throw new IllegalArgumentException("a payload type has 6 bits, got " + payloadType);
        }
        payload = payload.clone();
    }

    /** A packet for an established session: encrypted and authenticated. */
    static SessionPacket secured(int payloadType, int sessionId, int sequence, byte[] payload) {
        return new SessionPacket(payloadType, true, true, sessionId, sequence, payload);
    }

    /** A session setup packet: session 0, unprotected. */
    static SessionPacket setup(int payloadType, byte[] payload) {
        return new SessionPacket(payloadType, false, false, 0, 0, payload);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Encodes the packet; an encrypted one uses {@code iv} (16 random bytes) and an authenticated
     * one is signed with {@code keys}.
     */
    byte[] encode(SessionKeys keys, byte[] iv) {
        byte[] body = encrypted ? encrypt(keys, iv, payload) : payload;
        int trailerStart = RMCP_HEADER + SESSION_HEADER + body.length;
        int pad = authenticated ? (4 - (SESSION_HEADER + body.length + 2) % 4) % 4 : 0;
        int length = trailerStart + (authenticated ? pad + 2 + keys.suite().authCodeLength : 0);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x06).put((byte) 0x00).put((byte) 0xFF).put((byte) 0x07);
        b.put((byte) 0x06);
        b.put((byte) ((encrypted ? 0x80 : 0) | (authenticated ? 0x40 : 0) | payloadType));
        b.putInt(sessionId).putInt(sequence).putShort((short) body.length).put(body);
        if (authenticated) {
            for (int i = 0; i < pad; i++) {
                b.put((byte) 0xFF);
            }
            b.put((byte) pad).put((byte) 0x07);
            byte[] code = keys.suite().hmac(keys.k1(), Arrays.copyOfRange(b.array(), RMCP_HEADER, b.position()));
            b.put(code, 0, keys.suite().authCodeLength);
        }
        return b.array();
    }

    /**
     * Decodes a datagram; {@code keys} checks the AuthCode and decrypts (null before a session
     * exists, when a protected packet is malformed).
     */
    static SessionPacket decode(byte[] datagram, SessionKeys keys) {
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < RMCP_HEADER + SESSION_HEADER) {
            throw new MalformedPacketException("an RMCP+ packet has at least 16 bytes, got " + b.remaining());
        }
        if (b.get() != 0x06 || b.get() != 0 || b.get() != (byte) 0xFF || b.get() != 0x07) {
            throw new MalformedPacketException("not an RMCP IPMI packet (header " + hex(datagram, 0, 4) + ")");
        }
        int authType = b.get() & 0xFF;
        if (authType != 0x06) {
            throw new MalformedPacketException("not an IPMI 2.0 RMCP+ session (auth type " + authType + ")");
        }
        int type = b.get() & 0xFF;
        boolean encrypted = (type & 0x80) != 0;
        boolean authenticated = (type & 0x40) != 0;
        int payloadType = type & 0x3F;
        if (payloadType == 0x02) {
            throw new MalformedPacketException("OEM explicit payloads are not supported");
        }
        int sessionId = b.getInt();
        int sequence = b.getInt();
        int length = b.getShort() & 0xFFFF;
        if (length > MAX_PAYLOAD || length > b.remaining()) {
            throw new MalformedPacketException("payload length " + length + " but " + b.remaining() + " bytes follow");
        }
        byte[] body = new byte[length];
        b.get(body);
        if (authenticated) {
            if (keys == null) {
                throw new MalformedPacketException("an authenticated packet outside a session");
            }
            int codeLength = keys.suite().authCodeLength;
            int pad = (4 - (SESSION_HEADER + length + 2) % 4) % 4;
            if (b.remaining() != pad + 2 + codeLength) {
                throw new MalformedPacketException("session trailer of " + b.remaining() + " bytes, expected " + (pad + 2 + codeLength));
            }
            for (int i = 0; i < pad; i++) {
                if (b.get() != (byte) 0xFF) {
                    throw new MalformedPacketException("integrity pad bytes are 0xFF");
                }
            }
            if ((b.get() & 0xFF) != pad || b.get() != 0x07) {
                throw new MalformedPacketException("bad pad length or next header in the session trailer");
            }
            byte[] expected = keys.suite().hmac(keys.k1(), Arrays.copyOfRange(datagram, RMCP_HEADER, b.position()));
            byte[] code = new byte[codeLength];
            b.get(code);
            if (!MessageDigest.isEqual(code, Arrays.copyOf(expected, codeLength))) {
                throw new MalformedPacketException("AuthCode does not match: the packet was altered or not from this session");
            }
        } else if (b.hasRemaining()) {
            throw new MalformedPacketException(b.remaining() + " bytes after an unauthenticated payload");
        }
        if (encrypted) {
            if (keys == null) {
                throw new MalformedPacketException("an encrypted packet outside a session");
            }
            body = decrypt(keys, body);
        }
        return new SessionPacket(payloadType, encrypted, authenticated, sessionId, sequence, body);
    }

    /** AES-CBC-128 with IPMI's pad (13.29): 1, 2, 3 … N then N, to a multiple of 16; the IV leads. */
    private static byte[] encrypt(SessionKeys keys, byte[] iv, byte[] plain) {
        if (iv == null || iv.length != 16) {
            throw new IllegalArgumentException("AES-CBC-128 needs a 16-byte IV");
        }
        int pad = (16 - (plain.length + 1) % 16) % 16;
        byte[] padded = Arrays.copyOf(plain, plain.length + pad + 1);
        for (int i = 0; i < pad; i++) {
            padded[plain.length + i] = (byte) (i + 1);
        }
        padded[padded.length - 1] = (byte) pad;
        byte[] out = Arrays.copyOf(iv, 16 + padded.length);
        System.arraycopy(aes(Cipher.ENCRYPT_MODE, keys, iv, padded, 0, padded.length), 0, out, 16, padded.length);
        return out;
    }

    private static byte[] decrypt(SessionKeys keys, byte[] body) {
        if (body.length < 32 || body.length % 16 != 0) {
            throw new MalformedPacketException("an AES-CBC-128 payload is an IV and whole blocks, got " + body.length + " bytes");
        }
        byte[] plain = aes(Cipher.DECRYPT_MODE, keys, Arrays.copyOf(body, 16), body, 16, body.length - 16);
        int pad = plain[plain.length - 1] & 0xFF;
        if (pad > 15 || pad + 1 > plain.length) {
            throw new MalformedPacketException("confidentiality pad length " + pad + " is out of range");
        }
        for (int i = 0; i < pad; i++) {
            if (plain[plain.length - 1 - pad + i] != (byte) (i + 1)) {
                throw new MalformedPacketException("confidentiality pad bytes are 1, 2, 3 …");
            }
        }
        return Arrays.copyOf(plain, plain.length - 1 - pad);
    }

    private static byte[] aes(int mode, SessionKeys keys, byte[] iv, byte[] data, int offset, int length) {
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(mode, new SecretKeySpec(keys.aesKey(), "AES"), new IvParameterSpec(iv));
            return c.doFinal(data, offset, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC is part of every Java runtime", e);
        }
    }

    static String hex(byte[] b, int from, int to) {
        return java.util.HexFormat.of().formatHex(b, from, Math.min(to, b.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionPacket p && p.payloadType == payloadType && p.encrypted == encrypted
                && p.authenticated == authenticated && p.sessionId == sessionId && p.sequence == sequence
                && Arrays.equals(p.payload, payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + sequence;
    }

    @Override
    public String toString() {
        return "SessionPacket[type " + payloadType + (encrypted ? " encrypted" : "") + (authenticated ? " authenticated" : "")
                + ", session " + Integer.toHexString(sessionId) + ", seq " + sequence + ", " + payload.length + " bytes]";
    }
}
