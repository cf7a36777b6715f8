package io.kubermesh.addressing;

import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.AddressOwner.Region;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.RegionLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The normative address plan (ARCHITECTURE.md, "The address plan"): a pure function of the
 * cluster spec and a node's MAC. The node block is {@code P | (mac << (128 - L - 48))}; inside it
 * the host region, the port /126s and, in the upper half, the pods.
 *
 * <p>Immutable and thread-safe; computing a block costs a few shifts, no allocation beyond the result.
 */
public final class AddressPlan {
    private final ClusterSpec spec;
    private final RegionLayout layout;
    /** Host bits of a node block: {@code 128 - L - 48}, 9..80. */
    private final int shift;
    private final long prefixHigh;
    private final long prefixLow;
    private final List<ResolvedService> anycast;
    private final Map<Ipv6Address, ResolvedService> anycastByAddress;

    /** An anycast service with its address resolved (explicit, or derived from its name). */
    public record ResolvedService(String name, Ipv6Address address, int port, AnycastService service) {
    }

    public AddressPlan(ClusterSpec spec) {
        this.spec = spec;
        this.layout = spec.layout();
        this.shift = 128 - spec.prefix().length() - 48;
        this.prefixHigh = spec.prefix().network().high();
        this.prefixLow = spec.prefix().network().low();
        List<ResolvedService> resolved = new ArrayList<>();
        Map<Ipv6Address, ResolvedService> byAddress = new HashMap<>();
        for (int i = 0; i < spec.services().size(); i++) {
            AnycastService s = spec.services().get(i);
            Ipv6Address a = s.address().orElseGet(() -> derivedAnycast(spec.anycastPrefix(), s.name()));
            ResolvedService r = new ResolvedService(s.name(), a, s.port(), s);
            if (byAddress.putIfAbsent(a, r) != null) {
                throw new ConfigurationException("cluster.anycast.services[" + i + "].address", a.toString(),
                        "an address no other service has (" + byAddress.get(a).name() + " has it)");
            }
            resolved.add(r);
        }
        this.anycast = List.copyOf(resolved);
        this.anycastByAddress = Map.copyOf(byAddress);
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** The anycast services with their addresses, in configuration order. */
    public List<ResolvedService> anycast() {
        return anycast;
    }

    /**
     * The derived anycast address of a service: the first 64 bits of the anycast prefix and the first
     * 64 bits of SHA-256("kubermesh:" + name).
     */
    public static Ipv6Address derivedAnycast(Ipv6Prefix anycastPrefix, String name) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("kubermesh:" + name).getBytes(StandardCharsets.UTF_8));
            long low = 0;
            for (int i = 0; i < 8; i++) {
                low = (low << 8) | (h[i] & 0xFF);
            }
            return new Ipv6Address(anycastPrefix.network().high(), low);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Length of a node block: L + 48. */
    public int blockLength() {
        return 128 - shift;
    }

    /** The first address of a node's block. */
    public Ipv6Address blockAddress(MacAddress mac) {
        requireIdentity(mac);
        long m = mac.value();
        if (shift >= 64) {
            return new Ipv6Address(prefixHigh | (m << (shift - 64)), prefixLow);
        }
        return new Ipv6Address(prefixHigh | (m >>> (64 - shift)), prefixLow | (m << shift));
    }

    public Ipv6Prefix block(MacAddress mac) {
        return new Ipv6Prefix(blockAddress(mac), blockLength());
    }

    /** The node's host address: block + hostOffset. */
    public Ipv6Address host(MacAddress mac) {
        return blockAddress(mac).plus(layout.hostOffset());
    }

    /** Port {@code index}'s /126 with this end's address and its pool. */
    public PortPrefix port(MacAddress mac, int index) {
        if (index < 0 || index >= layout.ports()) {
            throw new IllegalArgumentException("port " + index + " is not planned; the layout has ports 0.."
                    + (layout.ports() - 1));
        }
        return port(blockAddress(mac), index);
    }

    private PortPrefix port(Ipv6Address base, int index) {
        Ipv6Address start = base.plus(layout.portOffset() + (long) RegionLayout.PORT_SIZE * index);
        return new PortPrefix(index, PortPrefix.interfaceName(index), new Ipv6Prefix(start, 126), start,
                List.of(start.plus(1), start.plus(2), start.plus(3)));
    }

    /** The whole plan of one node. */
    public NodeBlock node(MacAddress mac) {
        Ipv6Address base = blockAddress(mac);
        int n = blockLength();
        List<PortPrefix> ports = new ArrayList<>(layout.ports());
        for (int i = 0; i < layout.ports(); i++) {
            ports.add(port(base, i));
        }
        int portRegionBits = Integer.numberOfTrailingZeros(layout.portRegionSize());
        Ipv6Prefix pods = new Ipv6Prefix(shift - 1 >= 64 ? new Ipv6Address(base.high() | (1L << (shift - 1 - 64)), base.low())
                : new Ipv6Address(base.high(), base.low() | (1L << (shift - 1))), n + 1);
        return new NodeBlock(mac, new Ipv6Prefix(base, n), base.plus(layout.hostOffset()),
                new Ipv6Prefix(base.plus(layout.hostOffset()), 128 - 5),
                new Ipv6Prefix(base.plus(layout.portOffset()), 128 - portRegionBits), ports, pods);
    }

    /**
     * Who owns an address: the node and region for an address of the cluster prefix, the service
     * for one of the anycast prefix. Empty for an address outside both, or in the cluster prefix but
     * in a block no node can have (a multicast or all-zero MAC).
     */
    public Optional<AddressOwner> owner(Ipv6Address address) {
        if (spec.anycastPrefix().contains(address)) {
            ResolvedService s = anycastByAddress.get(address);
            return Optional.of(new AddressOwner(address, Region.ANYCAST, Optional.empty(), Optional.empty(), -1,
                    s == null ? Optional.empty() : Optional.of(s.name())));
        }
        if (!spec.prefix().contains(address)) {
            return Optional.empty();
        }
        long h = address.high();
        long l = address.low();
        long macBits;
        long offsetHigh;
        long offsetLow;
        if (shift >= 64) {
            macBits = (h >>> (shift - 64)) & MacAddress.MASK;
            offsetHigh = shift == 64 ? 0 : h & ((1L << (shift - 64)) - 1);
            offsetLow = l;
        } else {
            macBits = ((h << (64 - shift)) | (l >>> shift)) & MacAddress.MASK;
            offsetHigh = 0;
            offsetLow = l & ((1L << shift) - 1);
        }
        MacAddress mac = new MacAddress(macBits);
        if (!mac.isUsableIdentity()) {
            return Optional.empty();
        }
        Optional<Ipv6Prefix> block = Optional.of(new Ipv6Prefix(address.mask(blockLength()), blockLength()));
        boolean upperHalf = shift - 1 >= 64 ? (offsetHigh >>> (shift - 1 - 64)) != 0 : (offsetLow >>> (shift - 1)) != 0;
        Region region;
        int index = -1;
        if (upperHalf) {
            region = Region.PODS;
        } else if (offsetHigh != 0 || offsetLow < 0 || offsetLow >= Integer.MAX_VALUE) {
            region = Region.RESERVED;
        } else {
            long o = offsetLow;
            long portEnd = layout.portOffset() + (long) RegionLayout.PORT_SIZE * layout.ports();
            if (o >= layout.hostOffset() && o < layout.hostOffset() + RegionLayout.HOST_REGION_SIZE) {
                index = (int) (o - layout.hostOffset());
                region = index == 0 ? Region.HOST : Region.VIP;
                index = index == 0 ? -1 : index;
            } else if (o >= layout.portOffset() && o < portEnd) {
                long rel = o - layout.portOffset();
                index = (int) (rel / RegionLayout.PORT_SIZE);
                region = rel % RegionLayout.PORT_SIZE == 0 ? Region.PORT : Region.PORT_POOL;
            } else {
                region = Region.RESERVED;
            }
        }
        return Optional.of(new AddressOwner(address, region, Optional.of(mac), block, index, Optional.empty()));
    }

    private static void requireIdentity(MacAddress mac) {
        if (!mac.isUsableIdentity()) {
            throw new ConfigurationException("mac", mac.toString(),
                    "a unicast, non-zero MAC address (the I/G bit of the first octet clear): a group address names no node");
        }
    }
}
