package io.kubermesh.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything that describes a cluster: the IPv6 cluster prefix and the layout of each node's
 * block, the anycast prefix and services, the IPv4 pools, and routing and boot parameters. A
 * pure value: the address plan is a function of this and a node's MAC.
 */
public record ClusterSpec(String name, Ipv6Prefix prefix, RegionLayout layout, Ipv6Prefix anycastPrefix,
                          List<AnycastService> services, Ipv4Pools ipv4, RoutingSpec routing, BootSpec boot,
                          ControlPlaneSpec controlPlane, EnrolmentSpec enrolment) {
    /** The longest cluster prefix: a /71 leaves 48 bits for the MAC and 9 for the node block (/119). */
    public static final int MAX_PREFIX_LENGTH = 71;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public ClusterSpec {
        services = services == null ? List.of() : List.copyOf(services);
        controlPlane = controlPlane == null ? ControlPlaneSpec.DEFAULT : controlPlane;
        enrolment = enrolment == null ? EnrolmentSpec.DEFAULT : enrolment;
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add(new ConfigurationException.Problem("cluster.name", name,
                    "a DNS label: lower-case letters, digits and '-', at most 63"));
        }
        if (prefix == null || prefix.length() > MAX_PREFIX_LENGTH) {
            problems.add(new ConfigurationException.Problem("cluster.ipv6.prefix", String.valueOf(prefix),
                    "an IPv6 prefix of length /" + MAX_PREFIX_LENGTH + " or shorter (48 bits of MAC and at least 9 bits of node block must fit)"));
        }
        if (layout == null) {
            problems.add(new ConfigurationException.Problem("cluster.ipv6.layout", null, "a layout"));
        } else if (prefix != null && prefix.length() <= MAX_PREFIX_LENGTH) {
            problems.addAll(layout.problemsFor(128 - prefix.length() - 48));
        }
        if (anycastPrefix == null || anycastPrefix.length() > 64) {
            problems.add(new ConfigurationException.Problem("cluster.anycast.prefix", String.valueOf(anycastPrefix),
                    "an IPv6 prefix of /64 or shorter (derived addresses use the last 64 bits)"));
        } else if (prefix != null && prefix.overlaps(anycastPrefix)) {
            problems.add(new ConfigurationException.Problem("cluster.anycast.prefix", anycastPrefix.toString(),
                    "a prefix outside the cluster prefix " + prefix));
        }
        Set<String> names = new HashSet<>();
        Set<Ipv6Address> addresses = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            AnycastService s = services.get(i);
            String at = "cluster.anycast.services[" + i + "]";
            if (!names.add(s.name())) {
                problems.add(new ConfigurationException.Problem(at + ".name", s.name(), "a name no other service has"));
            }
            Optional<Ipv6Address> a = s.address();
            if (a.isPresent()) {
                if (anycastPrefix != null && !anycastPrefix.contains(a.get())) {
                    problems.add(new ConfigurationException.Problem(at + ".address", a.get().toString(),
                            "an address inside cluster.anycast.prefix " + anycastPrefix));
                }
                if (!addresses.add(a.get())) {
                    problems.add(new ConfigurationException.Problem(at + ".address", a.get().toString(),
                            "an address no other service has"));
                }
            }
        }
        if (ipv4 == null) {
            problems.add(new ConfigurationException.Problem("cluster.ipv4", null, "the IPv4 pools"));
        }
        if (routing == null) {
            problems.add(new ConfigurationException.Problem("cluster.routing", null, "routing parameters"));
        }
        if (boot == null) {
            problems.add(new ConfigurationException.Problem("cluster.boot", null, "boot parameters"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** A spec enrolling every machine that netboots ({@link EnrolmentSpec#DEFAULT}). */
    public ClusterSpec(String name, Ipv6Prefix prefix, RegionLayout layout, Ipv6Prefix anycastPrefix,
                       List<AnycastService> services, Ipv4Pools ipv4, RoutingSpec routing, BootSpec boot,
                       ControlPlaneSpec controlPlane) {
        this(name, prefix, layout, anycastPrefix, services, ipv4, routing, boot, controlPlane, EnrolmentSpec.DEFAULT);
    }

    /** A spec with the default control plane ({@link ControlPlaneSpec#DEFAULT}). */
    public ClusterSpec(String name, Ipv6Prefix prefix, RegionLayout layout, Ipv6Prefix anycastPrefix,
                       List<AnycastService> services, Ipv4Pools ipv4, RoutingSpec routing, BootSpec boot) {
        this(name, prefix, layout, anycastPrefix, services, ipv4, routing, boot, ControlPlaneSpec.DEFAULT);
    }

    /** Length of every node block: the cluster prefix plus 48 bits of MAC (/119 for a /71). */
    public int nodeBlockLength() {
        return prefix.length() + 48;
    }

    public Optional<AnycastService> service(String serviceName) {
        return services.stream().filter(s -> s.name().equals(serviceName)).findFirst();
    }

    public ClusterSpec withServices(List<AnycastService> newServices) {
        return new ClusterSpec(name, prefix, layout, anycastPrefix, newServices, ipv4, routing, boot, controlPlane, enrolment);
    }

    public ClusterSpec withControlPlane(ControlPlaneSpec newControlPlane) {
        return new ClusterSpec(name, prefix, layout, anycastPrefix, services, ipv4, routing, boot, newControlPlane, enrolment);
    }

    public ClusterSpec withEnrolment(EnrolmentSpec newEnrolment) {
        return new ClusterSpec(name, prefix, layout, anycastPrefix, services, ipv4, routing, boot, controlPlane, newEnrolment);
    }
}
