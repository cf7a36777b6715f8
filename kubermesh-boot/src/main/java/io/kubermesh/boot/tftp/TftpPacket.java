package io.kubermesh.boot.tftp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One TFTP packet (RFC 1350 section 5, options RFC 2347). Pure values: a packet never holds a
 * socket address; the transport pairs it with its peer.
 */
public sealed interface TftpPacket {
    /** The two-byte opcode that starts the packet on the wire. */
    int opcode();

    /** Opcode 1 (RRQ) and 2 (WRQ) share a layout: file name, mode, options. */
    sealed interface Request extends TftpPacket {
        String filename();

        String mode();

        List<TftpOption> options();

        /** The value of option {@code name}, compared case-insensitively (RFC 2347). */
        default Optional<String> option(String name) {
            return options().stream().filter(o -> o.name().equalsIgnoreCase(name)).map(TftpOption::value).findFirst();
        }
    }

    /** RRQ, opcode 1. */
    record ReadRequest(String filename, String mode, List<TftpOption> options) implements Request {
        public ReadRequest {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(mode, "mode");
            checkText(filename);
            checkText(mode);
            options = List.copyOf(options);
        }

        @Override
        public int opcode() {
            return 1;
        }
    }

    /** WRQ, opcode 2. kubermesh serves read-only and answers every WRQ with an error. */
    record WriteRequest(String filename, String mode, List<TftpOption> options) implements Request {
        public WriteRequest {
            Objects.requireNonNull(filename, "filename");
            Objects.requireNonNull(mode, "mode");
            checkText(filename);
            checkText(mode);
            options = List.copyOf(options);
        }

        @Override
        public int opcode() {
            return 2;
        }
    }

    /** DATA, opcode 3: a 16-bit block number (wraps past 65535) and 0..blksize bytes. */
    record Data(int block, byte[] payload) implements TftpPacket {
        public Data {
            checkBlock(block);
            payload = payload.clone();
        }

        @Override
        public int opcode() {
            return 3;
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** Payload length without copying it. */
        public int length() {
            return payload.length;
        }

        byte[] payloadShared() {
            return payload;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && d.block == block && Arrays.equals(d.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * block + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Data[block=" + block + ", " + payload.length + " bytes]";
        }
    }

    /** ACK, opcode 4. */
    record Ack(int block) implements TftpPacket {
        public Ack {
            checkBlock(block);
        }

        @Override
        public int opcode() {
            return 4;
        }
    }

    /** ERROR, opcode 5: a 16-bit code (see {@link TftpErrorCode}) and a message. */
    record Error(int code, String message) implements TftpPacket {
        public Error {
            checkBlock(code);
            Objects.requireNonNull(message, "message");
            checkText(message);
        }

        @Override
        public int opcode() {
            return 5;
        }
    }

    /** OACK, opcode 6 (RFC 2347): the options the server accepted, with their granted values. */
    record OptionAck(List<TftpOption> options) implements TftpPacket {
        public OptionAck {
            options = List.copyOf(options);
        }

        @Override
        public int opcode() {
            return 6;
        }
    }

    private static void checkText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("TFTP strings are NUL-terminated octets: no NUL and no char above 0xff");
            }
        }
    }

    private static void checkBlock(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("a 16-bit field holds 0..65535, got " + v);
        }
    }

    /** Lower-case hex of bytes, for log lines. */
    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b).toLowerCase(Locale.ROOT);
    }
}
