package io.kubermesh.api;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A service reached at one anycast /128 that every healthy holder announces. The address is
 * explicit or, when empty, derived from the name by the address plan.
 *
 * @param expected where a server is expected to answer: a node where it is expected and its
 *     check does not pass shows the service {@code failed}; where it is not expected and nothing
 *     answers, {@code off}. Every node checks every service and holds it where the check passes,
 *     expected or not.
 */
public record AnycastService(String name, Optional<Ipv6Address> address, int port, HealthCheck check,
                             Duration interval, int rise, int fall, Expected expected) {
    /** Where a service's server is expected to run (cluster file: {@code expected}). */
    public enum Expected {
        /** On every node that runs an etcd member (the default of the service named {@code etcd}). */
        ETCD_MEMBERS("etcdMembers"),
        /** On every node (the default of every other service). */
        ALL_NODES("allNodes"),
        /** Nowhere in particular: held where something answers, {@code off} elsewhere, never a failure. */
        OPTIONAL("optional");

        private final String id;

        Expected(String id) {
            this.id = id;
        }

        /** The cluster file's spelling. */
        public String id() {
            return id;
        }

        /** The default for a service called {@code name}. */
        public static Expected defaultFor(String name) {
            return "etcd".equals(name) ? ETCD_MEMBERS : ALL_NODES;
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public AnycastService {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigurationException("name", name, "a DNS label: lower-case letters, digits and '-', at most 63");
        }
        address = address == null ? Optional.empty() : address;
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("port", Integer.toString(port), "a TCP port, 1..65535");
        }
        if (check == null) {
            throw new ConfigurationException("check", null, "one of tcp, http or command");
        }
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new ConfigurationException("interval", String.valueOf(interval), "a positive duration like 1s");
        }
        if (rise < 1 || rise > 100) {
            throw new ConfigurationException("rise", Integer.toString(rise), "1..100 passing checks before announcing");
        }
        if (fall < 1 || fall > 100) {
            throw new ConfigurationException("fall", Integer.toString(fall), "1..100 failing checks before withdrawing");
        }
        expected = expected == null ? Expected.defaultFor(name) : expected;
    }

    /** A service expected where {@link Expected#defaultFor} says. */
    public AnycastService(String name, Optional<Ipv6Address> address, int port, HealthCheck check, Duration interval,
                          int rise, int fall) {
        this(name, address, port, check, interval, rise, fall, null);
    }

    /** The same service expected elsewhere. */
    public AnycastService withExpected(Expected where) {
        return new AnycastService(name, address, port, check, interval, rise, fall, where);
    }

    /** A TCP-checked service at an explicit address, checked every second, rise and fall 2. */
    public static AnycastService tcp(String name, Ipv6Address address, int port) {
        return new AnycastService(name, Optional.of(address), port, new HealthCheck.Tcp(), Duration.ofSeconds(1), 2, 2);
    }
}
