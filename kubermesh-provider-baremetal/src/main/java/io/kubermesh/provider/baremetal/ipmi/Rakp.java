package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * RMCP+ session establishment (IPMI 2.0 sections 13.17-13.23 and 13.31): the Open Session
 * Request/Response and RAKP messages 1 to 4, and the key exchange codes both sides compute. The
 * names follow the specification: the remote console (this client) has session ID SIDm and random
 * Rm, the managed system (the BMC) has SIDc, Rc and GUIDc. Integers are little-endian.
 */
final class Rakp {
    /** Requested maximum privilege: administrator, looked up by name only (bit 4). */
    static final int ROLE_ADMIN_BY_NAME = 0x14;
    static final int ADMINISTRATOR = 0x04;

    private Rakp() {
    }

    /** What an RMCP+ status code (13.24) means, for error messages. */
    static String status(int code) {
        return switch (code) {
            case 0x00 -> "no errors";
            case 0x01 -> "insufficient resources to create a session";
            case 0x02 -> "invalid session ID";
            case 0x04 -> "invalid authentication algorithm";
            case 0x05 -> "invalid integrity algorithm";
            case 0x06 -> "no matching authentication payload";
            case 0x07 -> "no matching integrity payload";
            case 0x09 -> "invalid role";
            case 0x0A -> "unauthorized role or privilege level requested";
            case 0x0B -> "insufficient resources to create a session at the requested role";
            case 0x0C -> "invalid name length";
            case 0x0D -> "unauthorized name";
            case 0x0F -> "invalid integrity check value (the password does not match)";
            case 0x10 -> "invalid confidentiality algorithm";
            case 0x11 -> "no cipher suite match with proposed security algorithms";
            case 0x12 -> "illegal or unrecognized parameter";
            default -> "status 0x" + Integer.toHexString(code);
        };
    }

    /** A status that says the user, its password or its privilege was refused. */
    static boolean isCredentialStatus(int code) {
        return code == 0x09 || code == 0x0A || code == 0x0C || code == 0x0D || code == 0x0F;
    }

    /** A status that says the BMC does not take the offered algorithms, so another suite may do. */
    static boolean isAlgorithmStatus(int code) {
        return (code >= 0x03 && code <= 0x07) || code == 0x10 || code == 0x11;
    }

    record OpenSessionRequest(int tag, int consoleSessionId, CipherSuite suite) {
        byte[] encode() {
            ByteBuffer b = le(32);
            b.put((byte) tag).put((byte) 0).putShort((short) 0).putInt(consoleSessionId);
            algorithm(b, 0x00, suite.authentication);
            algorithm(b, 0x01, suite.integrity);
            algorithm(b, 0x02, CipherSuite.AES_CBC_128);
            return b.array();
        }

        private static void algorithm(ByteBuffer b, int type, int value) {
            b.put((byte) type).putShort((short) 0).put((byte) 8).put((byte) value).put((byte) 0).putShort((short) 0);
        }
    }

    /** The BMC's answer; {@code suite} is null when it chose algorithms this client does not offer. */
    record OpenSessionResponse(int tag, int status, int privilege, int consoleSessionId, int bmcSessionId, CipherSuite suite) {
        static OpenSessionResponse decode(byte[] payload) {
            ByteBuffer b = le(payload);
            need(b, 2, "Open Session Response");
            int tag = u8(b);
            int status = u8(b);
            if (status != 0) {
                // An error answer may stop after the status (ipmi_sim's does).
                return new OpenSessionResponse(tag, status, 0, 0, 0, null);
            }
            need(b, 34, "Open Session Response");
            int privilege = u8(b);
            b.get();
            int console = b.getInt();
            int bmc = b.getInt();
            int auth = algorithm(b, 0x00);
            int integrity = algorithm(b, 0x01);
            int confidentiality = algorithm(b, 0x02);
            return new OpenSessionResponse(tag, status, privilege, console, bmc, CipherSuite.of(auth, integrity, confidentiality));
        }

        private static int algorithm(ByteBuffer b, int type) {
            int t = u8(b);
            b.getShort();
            int length = u8(b);
            int value = u8(b) & 0x3F;
            b.get();
            b.getShort();
            if (t != type || length != 8) {
                throw new MalformedPacketException("Open Session Response algorithm payload " + t + " of length " + length);
            }
            return value;
        }
    }

    record Rakp1(int tag, int bmcSessionId, byte[] consoleRandom, int role, String username) {
        Rakp1 {
            if (consoleRandom.length != 16) {
                throw new IllegalArgumentException("Rm has 16 bytes");
            }
            if (username.getBytes(StandardCharsets.US_ASCII).length > 16) {
                throw new IllegalArgumentException("an IPMI user name has at most 16 characters");
            }
        }

        byte[] encode() {
            byte[] name = username.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = le(28 + name.length);
            b.put((byte) tag).put((byte) 0).putShort((short) 0).putInt(bmcSessionId).put(consoleRandom)
                    .put((byte) role).putShort((short) 0).put((byte) name.length).put(name);
            return b.array();
        }
    }

    record Rakp2(int tag, int status, int consoleSessionId, byte[] bmcRandom, byte[] bmcGuid, byte[] authCode) {
        static Rakp2 decode(byte[] payload) {
            ByteBuffer b = le(payload);
            need(b, 2, "RAKP 2");
            int tag = u8(b);
            int status = u8(b);
            if (status != 0) {
                return new Rakp2(tag, status, 0, new byte[0], new byte[0], new byte[0]);
            }
            need(b, 38, "RAKP 2");
            b.getShort();
            int console = b.getInt();
            byte[] random = take(b, 16);
            byte[] guid = take(b, 16);
            return new Rakp2(tag, status, console, random, guid, take(b, b.remaining()));
        }
    }

    record Rakp3(int tag, int status, int bmcSessionId, byte[] authCode) {
        byte[] encode() {
            ByteBuffer b = le(8 + authCode.length);
            b.put((byte) tag).put((byte) status).putShort((short) 0).putInt(bmcSessionId).put(authCode);
            return b.array();
        }
    }

    record Rakp4(int tag, int status, int consoleSessionId, byte[] integrityCheck) {
        static Rakp4 decode(byte[] payload) {
            ByteBuffer b = le(payload);
            need(b, 2, "RAKP 4");
            int tag = u8(b);
            int status = u8(b);
            if (status != 0) {
                return new Rakp4(tag, status, 0, new byte[0]);
            }
            need(b, 6, "RAKP 4");
            b.getShort();
            int console = b.getInt();
            return new Rakp4(tag, status, console, take(b, b.remaining()));
        }
    }

    /** What both sides know once RAKP 1 and 2 have passed, and the codes computed from it. */
    record Exchange(CipherSuite suite, int consoleSessionId, int bmcSessionId, byte[] consoleRandom, byte[] bmcRandom,
                    byte[] bmcGuid, int role, String username) {
        private byte[] name() {
            return username.getBytes(StandardCharsets.US_ASCII);
        }

        /** RAKP 2's code (13.31): HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, RoleM, ULengthM, UNameM). */
        byte[] rakp2Code(byte[] password) {
            return suite.hmac(password, le4(consoleSessionId), le4(bmcSessionId), consoleRandom, bmcRandom, bmcGuid,
                    new byte[] {(byte) role, (byte) name().length}, name());
        }

        boolean rakp2Verifies(byte[] password, byte[] code) {
            return MessageDigest.isEqual(rakp2Code(password), code);
        }

        /** RAKP 3's code: HMAC_Kuid(Rc, SIDm, RoleM, ULengthM, UNameM). */
        byte[] rakp3Code(byte[] password) {
            return suite.hmac(password, bmcRandom, le4(consoleSessionId), new byte[] {(byte) role, (byte) name().length}, name());
        }

        /** SIK = HMAC_Kg(Rm, Rc, RoleM, ULengthM, UNameM); with no BMC key Kg is Kuid. */
        byte[] sik(byte[] kg) {
            return suite.hmac(kg, consoleRandom, bmcRandom, new byte[] {(byte) role, (byte) name().length}, name());
        }

        /** RAKP 4's integrity check value: HMAC_SIK(Rm, SIDc, GUIDc), truncated. */
        boolean rakp4Verifies(byte[] sik, byte[] value) {
            byte[] expected = Arrays.copyOf(suite.hmac(sik, consoleRandom, le4(bmcSessionId), bmcGuid), suite.rakp4Length);
            return MessageDigest.isEqual(expected, value);
        }
    }

    static byte[] le4(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(byte[] payload) {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void need(ByteBuffer b, int n, String what) {
        if (b.remaining() < n) {
            throw new MalformedPacketException(what + " is truncated: " + b.remaining() + " bytes where " + n + " are needed");
        }
    }

    private static int u8(ByteBuffer b) {
        return b.get() & 0xFF;
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
