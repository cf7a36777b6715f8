package io.kubermesh.routing.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Netlink messages captured on this project's x86-64 build host (little-endian) with
 * {@code strace -xx -e trace=sendmsg,recvmsg ip ...} in a scratch namespace. strace prints the
 * nlmsghdr decoded and the payload raw; {@link #message} puts the header back in wire form.
 */
final class Captures {
    private Captures() {
    }

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static byte[] message(int type, int flags, int seq, int pid, String payloadHex) {
        byte[] p = HexFormat.of().parseHex(payloadHex.replace("\\x", "").replace(" ", ""));
        ByteBuffer b = ByteBuffer.allocate(16 + p.length).order(ORDER);
        b.putInt(16 + p.length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(pid).put(p);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** {@code ip link add kmrn0a type veth peer name kmrn0b}: RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE. */
    static final byte[] VETH_ADD = message(16, 0x605, 1795680083, 0,
            "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0b\\x00\\x03\\x00"
            + "\\x6b\\x6d\\x72\\x6e\\x30\\x61\\x00\\x00\\x30\\x00\\x12\\x00\\x08\\x00\\x01\\x00\\x76\\x65\\x74\\x68"
            + "\\x24\\x00\\x02\\x00\\x20\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            + "\\x00\\x00\\x00\\x00\\x0b\\x00\\x03\\x00\\x6b\\x6d\\x72\\x6e\\x30\\x62\\x00\\x00");

    /** {@code ip link add kmrnst type ifb}. */
    static final byte[] IFB_ADD = message(16, 0x605, 1795680083, 0,
            "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x0b\\x00\\x03\\x00"
            + "\\x6b\\x6d\\x72\\x6e\\x73\\x74\\x00\\x00\\x0c\\x00\\x12\\x00\\x07\\x00\\x01\\x00\\x69\\x66\\x62\\x00");

    /**
     * {@code ip -6 addr add 2001:db8::20/126 dev kmrn0a preferred_lft 0 valid_lft forever nodad
     * noprefixroute} (kmrn0a had index 3).
     */
    static final byte[] ADDR_ADD = message(20, 0x605, 1795680083, 0,
            "\\x0a\\x7e\\x00\\x00\\x03\\x00\\x00\\x00\\x14\\x00\\x02\\x00\\x20\\x01\\x0d\\xb8\\x00\\x00\\x00\\x00"
            + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x20\\x08\\x00\\x08\\x00\\x02\\x02\\x00\\x00\\x14\\x00\\x01\\x00"
            + "\\x20\\x01\\x0d\\xb8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x20\\x14\\x00\\x06\\x00"
            + "\\x00\\x00\\x00\\x00\\xff\\xff\\xff\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00");

    /** Two RTM_NEWADDR of an {@code ip -6 addr show} dump, and its NLMSG_DONE. */
    static final byte[] ADDR_DUMP = concat(
            message(20, 2, 1795680095, 6949,
                    "\\x0a\\x80\\x80\\xfe\\x01\\x00\\x00\\x00\\x14\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                    + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01\\x14\\x00\\x06\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff"
                    + "\\xdb\\xc6\\x01\\x00\\xdb\\xc6\\x01\\x00\\x08\\x00\\x08\\x00\\x80\\x00\\x00\\x00\\x05\\x00\\x0b\\x00"
                    + "\\x01\\x00\\x00\\x00"),
            message(20, 2, 1795680095, 6949,
                    "\\x0a\\x7e\\x02\\x00\\x02\\x00\\x00\\x00\\x14\\x00\\x01\\x00\\x20\\x01\\x0d\\xb8\\x00\\x00\\x00\\x00"
                    + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x22\\x14\\x00\\x06\\x00\\x08\\x07\\x00\\x00\\x10\\x0e\\x00\\x00"
                    + "\\x27\\xcb\\x01\\x00\\x27\\xcb\\x01\\x00\\x08\\x00\\x08\\x00\\x02\\x00\\x00\\x00"),
            message(3, 2, 1795680095, 6949, "00000000"));

    /**
     * {@code ip -6 route show} after {@code ip -6 route add 2001:db8:1::/64 nexthop via fe80::1 dev
     * kmrn0a nexthop via fe80::2 dev kmrn0b} (kmrn0a index 3, kmrn0b index 2).
     */
    static final byte[] MULTIPATH_ROUTE = message(24, 0x22, 1795680091, 6902,
            "\\x0a\\x40\\x00\\x00\\xfe\\x03\\x00\\x01\\x00\\x00\\x00\\x00\\x08\\x00\\x0f\\x00\\xfe\\x00\\x00\\x00"
            + "\\x14\\x00\\x01\\x00\\x20\\x01\\x0d\\xb8\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            + "\\x08\\x00\\x06\\x00\\x00\\x04\\x00\\x00\\x3c\\x00\\x09\\x00\\x1c\\x00\\x00\\x00\\x03\\x00\\x00\\x00"
            + "\\x14\\x00\\x05\\x00\\xfe\\x80\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01"
            + "\\x1c\\x00\\x00\\x00\\x02\\x00\\x00\\x00\\x14\\x00\\x05\\x00\\xfe\\x80\\x00\\x00\\x00\\x00\\x00\\x00"
            + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x24\\x00\\x0c\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            + "\\x00\\x00\\x00\\x00\\x05\\x00\\x14\\x00\\x00\\x00\\x00\\x00");

    /** An excerpt of the 1128-byte RTM_NEWLINK answer for veth kmrn0a: the ifinfomsg and eleven of its attributes, each whole and as captured, in capture order. */
    static final byte[] LINK_NEW = message(16, 0, 1795680091, 6908,
            "\\x00\\x00\\x01\\x00\\x03\\x00\\x00\\x00\\x43\\x10\\x01\\x00\\x00\\x00\\x00\\x00\\x0b\\x00\\x03\\x00"
            + "\\x6b\\x6d\\x72\\x6e\\x30\\x61\\x00\\x00\\x08\\x00\\x0d\\x00\\xe8\\x03\\x00\\x00\\x05\\x00\\x10\\x00"
            + "\\x06\\x00\\x00\\x00\\x05\\x00\\x11\\x00\\x00\\x00\\x00\\x00\\x05\\x00\\x43\\x00\\x00\\x00\\x00\\x00"
            + "\\x08\\x00\\x04\\x00\\xdc\\x05\\x00\\x00\\x0a\\x00\\x01\\x00\\x4e\\x6c\\x44\\x6f\\x2b\\xb4\\x00\\x00"
            + "\\x0a\\x00\\x02\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\x00\\x10\\x00\\x12\\x00\\x09\\x00\\x01\\x00"
            + "\\x76\\x65\\x74\\x68\\x00\\x00\\x00\\x00\\x04\\x00\\x3e\\x80");

    /** {@code ip link add lo type ifb}: EEXIST, uncapped (the request echoed). */
    static final byte[] ERROR_EEXIST = message(2, 0, 1795680324, 8976,
            "efffffff" + "34000000" + "1000" + "0506" + "44e8076b" + "00000000"
            + "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x07\\x00\\x03\\x00"
            + "\\x6c\\x6f\\x00\\x00\\x0c\\x00\\x12\\x00\\x07\\x00\\x01\\x00\\x69\\x66\\x62\\x00");

    /** {@code ip link set lo up}: the capped acknowledgement. */
    static final byte[] ACK = message(2, 0x100, 1795680324, 8982,
            "00000000" + "20000000" + "1000" + "0500" + "44e8076b" + "00000000");
}
