package io.kubermesh.boot.internal;

import io.kubermesh.api.Ipv6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The checked facade over libc sockets for the boot transports (Linux x86-64/arm64 constants):
 * every return value is checked and a failure becomes a {@link NativeException} with strerror.
 * Socket addresses are {@code struct sockaddr_in6} built here: family and scope id in native
 * order, port and address in network order.
 */
public final class Sockets {
    public static final int AF_INET6 = 10;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_BINDTODEVICE = 25;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_JOIN_GROUP = 20;
    static final int IPV6_V6ONLY = 26;
    static final int ICMP6_FILTER = 1;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int SOCKADDR_IN6 = 28;

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    /** A datagram as received: its length in the caller's buffer and its source. */
    public record Datagram(int length, Ipv6Address source, int port, int scopeId) {
    }

    private Sockets() {
    }

    private static NativeException failure(String call) {
        int errno = RUNTIME.getLastError();
        return new NativeException(call, errno, LIBC.strerror(errno));
    }

    /** {@code socket(AF_INET6, type, protocol)}. */
    public static int open(int type, int protocol) {
        int fd = LIBC.socket(AF_INET6, type, protocol);
        if (fd < 0) {
            throw failure("socket(AF_INET6, " + type + ", " + protocol + ")");
        }
        return fd;
    }

    public static void close(int fd) {
        if (LIBC.close(fd) != 0) {
            throw failure("close(" + fd + ")");
        }
    }

    /** {@code if_nametoindex}; fails if there is no such interface. */
    public static int interfaceIndex(String name) {
        int index = LIBC.if_nametoindex(name);
        if (index == 0) {
            throw failure("if_nametoindex(" + name + ")");
        }
        return index;
    }

    /** {@code SO_BINDTODEVICE}: the socket sees and sends only on {@code name} (needs CAP_NET_RAW). */
    public static void bindToDevice(int fd, String name) {
        byte[] value = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        set(fd, SOL_SOCKET, SO_BINDTODEVICE, value, "SO_BINDTODEVICE " + name);
    }

    public static void reuseAddress(int fd) {
        setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    }

    public static void v6Only(int fd) {
        setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    }

    /** Hop limit of unicast and multicast packets sent on this socket (RFC 4861 wants 255). */
    public static void hopLimit(int fd, int hops) {
        setInt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops, "IPV6_UNICAST_HOPS");
        setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops, "IPV6_MULTICAST_HOPS");
    }

    public static void multicastInterface(int fd, int ifIndex) {
        setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifIndex, "IPV6_MULTICAST_IF");
    }

    public static void multicastLoop(int fd, boolean loop) {
        setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop ? 1 : 0, "IPV6_MULTICAST_LOOP");
    }

    /** {@code IPV6_JOIN_GROUP} on one interface only. */
    public static void joinGroup(int fd, Ipv6Address group, int ifIndex) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.put(group.toBytes()).putInt(ifIndex);
        set(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, b.array(), "IPV6_JOIN_GROUP " + group);
    }

    /** {@code SO_RCVTIMEO}: a receive returns empty after {@code timeout}, so a loop can notice close. */
    public static void receiveTimeout(int fd, Duration timeout) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putLong(timeout.getSeconds()).putLong(timeout.getNano() / 1000);
        set(fd, SOL_SOCKET, SO_RCVTIMEO, b.array(), "SO_RCVTIMEO");
    }

    /** {@code ICMP6_FILTER} (RFC 3542 section 3.2): pass only the given ICMPv6 types. */
    public static void icmp6Pass(int fd, int... types) {
        int[] words = new int[8];
        java.util.Arrays.fill(words, -1);
        for (int t : types) {
            words[t >>> 5] &= ~(1 << (t & 31));
        }
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        for (int w : words) {
            b.putInt(w);
        }
        set(fd, IPPROTO_ICMPV6, ICMP6_FILTER, b.array(), "ICMP6_FILTER");
    }

    public static void bind(int fd, Ipv6Address address, int port, int scopeId) {
        byte[] sa = sockaddr(address, port, scopeId);
        if (LIBC.bind(fd, sa, sa.length) != 0) {
            throw failure("bind([" + address + "%" + scopeId + "]:" + port + ")");
        }
    }

    public static void sendTo(int fd, byte[] data, int length, Ipv6Address address, int port, int scopeId) {
        byte[] sa = sockaddr(address, port, scopeId);
        while (true) {
            long sent = LIBC.sendto(fd, data, length, 0, sa, sa.length);
            if (sent >= 0) {
                return;
            }
            NativeException e = failure("sendto([" + address + "%" + scopeId + "]:" + port + ")");
            if (e.errno() != EINTR) {
                throw e;
            }
        }
    }

    /**
     * A native receive buffer owned by one receiving thread: the kernel writes into it directly and
     * only the bytes received are copied to the Java heap, not the whole buffer.
     */
    public static final class ReceiveBuffer {
        private final Pointer memory;
        private final int size;

        public ReceiveBuffer(int size) {
            this.memory = Memory.allocateDirect(RUNTIME, size);
            this.size = size;
        }

        public int size() {
            return size;
        }
    }

    /**
     * Receives one datagram and copies it into {@code into} (at least {@code buffer.size()} long);
     * empty when the receive timeout passed or a signal interrupted.
     */
    public static Optional<Datagram> receive(int fd, ReceiveBuffer buffer, byte[] into) {
        byte[] sa = new byte[SOCKADDR_IN6];
        int[] saLength = {SOCKADDR_IN6};
        long n = LIBC.recvfrom(fd, buffer.memory, buffer.size, 0, sa, saLength);
        if (n < 0) {
            NativeException e = failure("recvfrom(" + fd + ")");
            if (e.errno() == EAGAIN || e.errno() == EINTR) {
                return Optional.empty();
            }
            throw e;
        }
        buffer.memory.get(0, into, 0, (int) n);
        ByteBuffer b = ByteBuffer.wrap(sa);
        int port = b.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xFFFF;
        byte[] address = new byte[16];
        b.position(8);
        b.get(address);
        int scope = b.order(ByteOrder.nativeOrder()).getInt(24);
        return Optional.of(new Datagram((int) n, Ipv6Address.fromBytes(address), port, scope));
    }

    /** {@code SO_RCVBUF}: room for bursts while the receiving thread is descheduled (capped by net.core.rmem_max). */
    public static void receiveBufferSize(int fd, int bytes) {
        setInt(fd, SOL_SOCKET, SO_RCVBUF, bytes, "SO_RCVBUF");
    }

    /** The Ethernet address of {@code name} ({@code SIOCGIFHWADDR} on {@code fd}, in that socket's namespace). */
    public static io.kubermesh.api.MacAddress hardwareAddress(int fd, String name) {
        byte[] ifreq = new byte[40];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (n.length > 15) {
            throw new IllegalArgumentException("interface names have at most 15 characters: " + name);
        }
        System.arraycopy(n, 0, ifreq, 0, n.length);
        if (LIBC.ioctl(fd, SIOCGIFHWADDR, ifreq) != 0) {
            throw failure("ioctl(SIOCGIFHWADDR, " + name + ")");
        }
        return io.kubermesh.api.MacAddress.fromBytes(java.util.Arrays.copyOfRange(ifreq, 18, 24));
    }

    /**
     * Moves the calling thread into the network namespace at {@code path} (like
     * {@code /var/run/netns/NAME}); threads it starts afterwards inherit it. For labs and tests.
     */
    public static void enterNetworkNamespace(java.nio.file.Path path) {
        int fd = LIBC.open(path.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw failure("open(" + path + ")");
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw failure("setns(" + path + ", CLONE_NEWNET)");
            }
        } finally {
            close(fd);
        }
    }

    static byte[] sockaddr(Ipv6Address address, int port, int scopeId) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN6);
        b.order(ByteOrder.nativeOrder()).putShort((short) AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(address.toBytes());
        b.order(ByteOrder.nativeOrder()).putInt(scopeId);
        return b.array();
    }

    private static void setInt(int fd, int level, int name, int value, String what) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        set(fd, level, name, v, what);
    }

    private static void set(int fd, int level, int name, byte[] value, String what) {
        if (LIBC.setsockopt(fd, level, name, value, value.length) != 0) {
            throw failure("setsockopt(" + what + ")");
        }
    }
}
