package io.kubermesh.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the regions sit inside a node block (ARCHITECTURE.md, "The address plan"). Offsets are
 * counted in addresses from the start of the block. The host region is a /123 (the host address
 * and 31 node VIPs); each port is a /126 (this end and a pool of three), and the port region is
 * the smallest power-of-two run that holds all ports. Both must be aligned to their size and lie
 * in the lower half of the block, which belongs to the node; the upper half is its pods.
 */
public record RegionLayout(int hostOffset, int portOffset, int ports) {
    /** Addresses in the host region: the host address and 31 VIPs (a /123). */
    public static final int HOST_REGION_SIZE = 32;
    /** Addresses per port: this end and three for the pool (a /126). */
    public static final int PORT_SIZE = 4;
    public static final int MAX_PORTS = 64;
    public static final RegionLayout DEFAULT = new RegionLayout(0x00, 0x20, 8);

    public RegionLayout {
        List<ConfigurationException.Problem> problems = problems(hostOffset, portOffset, ports);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** Addresses in the port region: the ports rounded up to a power of two, each of {@link #PORT_SIZE}. */
    public int portRegionSize() {
        return portRegionSize(ports);
    }

    static int portRegionSize(int ports) {
        int need = Math.max(1, ports) * PORT_SIZE;
        int size = Integer.highestOneBit(need);
        return size == need ? size : size << 1;
    }

    /** The layout's own rules, without the block size (see {@link #problemsFor(int)}). */
    static List<ConfigurationException.Problem> problems(int hostOffset, int portOffset, int ports) {
        String at = "cluster.ipv6.layout.";
        List<ConfigurationException.Problem> out = new ArrayList<>();
        if (ports < 1 || ports > MAX_PORTS) {
            out.add(new ConfigurationException.Problem(at + "ports", Integer.toString(ports),
                    "between 1 and " + MAX_PORTS));
            return out;
        }
        if (hostOffset < 0 || hostOffset % HOST_REGION_SIZE != 0) {
            out.add(new ConfigurationException.Problem(at + "hostOffset", hex(hostOffset),
                    "a non-negative multiple of 0x20 (the host region is a /123)"));
        }
        int portSize = portRegionSize(ports);
        if (portOffset < 0 || portOffset % portSize != 0) {
            out.add(new ConfigurationException.Problem(at + "portOffset", hex(portOffset),
                    "a non-negative multiple of " + hex(portSize) + " (" + ports + " ports of /126 make a region of "
                            + portSize + " addresses)"));
        }
        if (out.isEmpty() && hostOffset < portOffset + portSize && portOffset < hostOffset + HOST_REGION_SIZE) {
            out.add(new ConfigurationException.Problem(at + "portOffset", hex(portOffset),
                    "the port region [" + hex(portOffset) + ", " + hex(portOffset + portSize)
                            + ") overlaps the host region [" + hex(hostOffset) + ", " + hex(hostOffset + HOST_REGION_SIZE)
                            + ") set by cluster.ipv6.layout.hostOffset; move one of them"));
        }
        return out;
    }

    /** Problems of this layout inside a block of {@code blockBits} host bits (block size 2^blockBits). */
    public List<ConfigurationException.Problem> problemsFor(int blockBits) {
        List<ConfigurationException.Problem> out = new ArrayList<>();
        long half = blockBits >= 63 ? Long.MAX_VALUE : (1L << blockBits) / 2;
        String at = "cluster.ipv6.layout.";
        if (hostOffset + (long) HOST_REGION_SIZE > half) {
            out.add(new ConfigurationException.Problem(at + "hostOffset", hex(hostOffset),
                    "the host region must end inside the lower half of the node block (" + half + " addresses)"));
        }
        if (portOffset + (long) portRegionSize() > half) {
            out.add(new ConfigurationException.Problem(at + "portOffset", hex(portOffset),
                    "the port region (" + portRegionSize() + " addresses) must end inside the lower half of the node block ("
                            + half + " addresses)"));
        }
        return out;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
