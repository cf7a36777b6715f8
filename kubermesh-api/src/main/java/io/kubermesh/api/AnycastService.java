package io.kubermesh.api;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A service reached at one anycast /128 that every healthy holder announces. The address is
 * explicit or, when empty, derived from the name by the address plan.
 */
public record AnycastService(String name, Optional<Ipv6Address> address, int port, HealthCheck check,
                             Duration interval, int rise, int fall) {
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
    }

    /** A TCP-checked service at an explicit address, checked every second, rise and fall 2. */
    public static AnycastService tcp(String name, Ipv6Address address, int port) {
        return new AnycastService(name, Optional.of(address), port, new HealthCheck.Tcp(), Duration.ofSeconds(1), 2, 2);
    }
}
