package io.kubermesh.boot.tftp;

import io.kubermesh.api.MalformedPacketException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure encode/decode of TFTP packets (RFC 1350 section 5, OACK RFC 2347 section 2). Every field
 * is big-endian; strings are NUL-terminated octets, mapped one to one onto ISO-8859-1 chars so
 * any name decodes and re-encodes byte for byte.
 */
public final class TftpCodec {
    /** The largest UDP payload over IPv6 without jumbograms; no TFTP packet is longer. */
    public static final int MAX_PACKET = 65_535;

    private TftpCodec() {
    }

    /**
     * Decodes the remaining bytes of {@code in} as one packet; the buffer's position moves to its
     * limit. Anything that is not a well-formed packet raises {@link MalformedPacketException}.
     */
    public static TftpPacket decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        in.position(in.limit());
        if (b.remaining() < 2) {
            throw new MalformedPacketException("TFTP packet of " + b.remaining() + " bytes: shorter than its 2-byte opcode");
        }
        int opcode = Short.toUnsignedInt(b.getShort());
        try {
            switch (opcode) {
                case 1, 2 -> {
                    String filename = string(b, "file name");
                    String mode = string(b, "mode");
                    List<TftpOption> options = options(b);
                    return opcode == 1 ? new TftpPacket.ReadRequest(filename, mode, options)
                            : new TftpPacket.WriteRequest(filename, mode, options);
                }
                case 3 -> {
                    int block = u16(b, "DATA");
                    byte[] payload = new byte[b.remaining()];
                    b.get(payload);
                    return new TftpPacket.Data(block, payload);
                }
                case 4 -> {
                    int block = u16(b, "ACK");
                    trailing(b, "ACK");
                    return new TftpPacket.Ack(block);
                }
                case 5 -> {
                    int code = u16(b, "ERROR");
                    String message = string(b, "error message");
                    trailing(b, "ERROR");
                    return new TftpPacket.Error(code, message);
                }
                case 6 -> {
                    return new TftpPacket.OptionAck(options(b));
                }
                default -> throw new MalformedPacketException("unknown TFTP opcode " + opcode);
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new MalformedPacketException("TFTP opcode " + opcode + ": " + e.getMessage());
        }
    }

    /** Decodes a whole array. */
    public static TftpPacket decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Encodes {@code packet} into a new array. */
    public static byte[] encode(TftpPacket packet) {
        ByteBuffer b = ByteBuffer.allocate(size(packet));
        encode(packet, b);
        return b.array();
    }

    /** Encodes {@code packet} at the position of {@code out}, which must have {@link #size} bytes left. */
    public static void encode(TftpPacket packet, ByteBuffer out) {
        ByteBuffer b = out.order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) packet.opcode());
        if (packet instanceof TftpPacket.Request r) {
            put(b, r.filename());
            put(b, r.mode());
            putOptions(b, r.options());
        } else if (packet instanceof TftpPacket.Data d) {
            b.putShort((short) d.block());
            b.put(d.payloadShared());
        } else if (packet instanceof TftpPacket.Ack a) {
            b.putShort((short) a.block());
        } else if (packet instanceof TftpPacket.Error e) {
            b.putShort((short) e.code());
            put(b, e.message());
        } else if (packet instanceof TftpPacket.OptionAck o) {
            putOptions(b, o.options());
        }
    }

    /** The encoded length of {@code packet} in bytes. */
    public static int size(TftpPacket packet) {
        if (packet instanceof TftpPacket.Request r) {
            return 2 + r.filename().length() + 1 + r.mode().length() + 1 + optionsSize(r.options());
        } else if (packet instanceof TftpPacket.Data d) {
            return 4 + d.length();
        } else if (packet instanceof TftpPacket.Ack) {
            return 4;
        } else if (packet instanceof TftpPacket.Error e) {
            return 4 + e.message().length() + 1;
        } else {
            return 2 + optionsSize(((TftpPacket.OptionAck) packet).options());
        }
    }

    private static int optionsSize(List<TftpOption> options) {
        int n = 0;
        for (TftpOption o : options) {
            n += o.name().length() + 1 + o.value().length() + 1;
        }
        return n;
    }

    private static int u16(ByteBuffer b, String what) {
        if (b.remaining() < 2) {
            throw new MalformedPacketException(what + " packet without its 2-byte block number or code");
        }
        return Short.toUnsignedInt(b.getShort());
    }

    private static void trailing(ByteBuffer b, String what) {
        if (b.hasRemaining()) {
            throw new MalformedPacketException(what + " packet with " + b.remaining() + " trailing bytes");
        }
    }

    /** RFC 2347: name/value pairs of NUL-terminated strings up to the end of the packet. */
    private static List<TftpOption> options(ByteBuffer b) {
        List<TftpOption> options = new ArrayList<>();
        while (b.hasRemaining()) {
            String name = string(b, "option name");
            if (name.isEmpty()) {
                throw new MalformedPacketException("empty option name at offset " + (b.position() - 1));
            }
            if (!b.hasRemaining()) {
                throw new MalformedPacketException("option " + name + " without a value");
            }
            options.add(new TftpOption(name, string(b, "value of option " + name)));
        }
        return options;
    }

    private static String string(ByteBuffer b, String what) {
        int start = b.position();
        for (int i = start; i < b.limit(); i++) {
            if (b.get(i) == 0) {
                byte[] text = new byte[i - start];
                b.get(text);
                b.get();
                return new String(text, StandardCharsets.ISO_8859_1);
            }
        }
        throw new MalformedPacketException(what + " not NUL-terminated (" + (b.limit() - start) + " bytes left)");
    }

    private static void put(ByteBuffer b, String s) {
        b.put(s.getBytes(StandardCharsets.ISO_8859_1)).put((byte) 0);
    }

    private static void putOptions(ByteBuffer b, List<TftpOption> options) {
        for (TftpOption o : options) {
            put(b, o.name());
            put(b, o.value());
        }
    }
}
