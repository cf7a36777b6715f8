package io.kubermesh.provider.baremetal.internal;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Sends one link-layer frame payload through an {@code AF_PACKET}/{@code SOCK_DGRAM} socket: the
 * kernel writes the Ethernet header (this interface's MAC as the source) around the payload.
 * Needs CAP_NET_RAW. Every libc return value is checked; errno becomes a message with strerror.
 */
public final class PacketSocket {
    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int EPERM = 1;
    private static final int O_RDONLY = 0;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private PacketSocket() {
    }

    /**
     * Sends {@code payload} with EtherType {@code etherType} to {@code destination} out of
     * {@code interfaceName}.
     */
    public static void send(String interfaceName, int etherType, byte[] destination, byte[] payload) {
        int index = LIBC.if_nametoindex(interfaceName);
        if (index == 0) {
            throw new PowerException(Reason.UNREACHABLE, "no network interface " + interfaceName + " on this host ("
                    + error() + "); the site inventory names it as the port the machine is cabled to");
        }
        int protocol = Short.toUnsignedInt(Short.reverseBytes((short) etherType));
        int fd = LIBC.socket(AF_PACKET, SOCK_DGRAM, protocol);
        if (fd < 0) {
            int errno = Runtime.getSystemRuntime().getLastError();
            if (errno == EPERM) {
                throw new EnvironmentException("sending a Wake-on-LAN frame needs a raw socket (CAP_NET_RAW)",
                        "run kubermesh as root");
            }
            throw new PowerException(Reason.UNREACHABLE, "cannot open a packet socket: " + LIBC.strerror(errno));
        }
        try {
            // struct sockaddr_ll (20 bytes): family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].
            ByteBuffer sll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
            sll.putShort((short) AF_PACKET);
            sll.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType).order(ByteOrder.nativeOrder());
            sll.putInt(index).putShort((short) 0).put((byte) 0).put((byte) destination.length).put(destination);
            long sent = LIBC.sendto(fd, payload, payload.length, 0, sll.array(), 20);
            if (sent != payload.length) {
                throw new PowerException(Reason.UNREACHABLE, "sending on " + interfaceName + " failed: " + error());
            }
        } finally {
            LIBC.close(fd);
        }
    }

    /**
     * Moves the calling thread into the network namespace at {@code path} (tests send from a
     * namespace of their own). Only this thread moves.
     */
    public static void enterNetworkNamespace(String path) {
        int fd = LIBC.open(path, O_RDONLY);
        if (fd < 0) {
            throw new IllegalStateException("open " + path + ": " + error());
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns " + path + ": " + error());
            }
        } finally {
            LIBC.close(fd);
        }
    }

    private static String error() {
        return LIBC.strerror(Runtime.getSystemRuntime().getLastError());
    }
}
