package io.kubermesh.api;

import java.time.Duration;
import java.util.Locale;

/** Parameters of the IGP every node runs over its ports (OSPFv3 point-to-point with BFD). */
public record RoutingSpec(Daemon daemon, Duration hello, Duration dead, Duration bfdInterval, int bfdMultiplier) {
    public static final RoutingSpec DEFAULT = new RoutingSpec(Daemon.FRR, Duration.ofSeconds(1), Duration.ofSeconds(4),
            Duration.ofMillis(100), 3);

    /** The routing engines kubermesh can drive. */
    public enum Daemon {
        FRR, BIRD;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RoutingSpec {
        String at = "cluster.routing.";
        if (daemon == null) {
            throw new ConfigurationException(at + "daemon", null, "frr or bird");
        }
        if (hello == null || hello.toMillis() < 1000 || hello.toMillis() % 1000 != 0 || hello.getSeconds() > 65535) {
            throw new ConfigurationException(at + "hello", String.valueOf(hello), "whole seconds, 1s..65535s (OSPFv3)");
        }
        if (dead == null || dead.compareTo(hello) <= 0 || dead.toMillis() % 1000 != 0 || dead.getSeconds() > 65535) {
            throw new ConfigurationException(at + "dead", String.valueOf(dead), "whole seconds, longer than hello");
        }
        if (bfdInterval == null || bfdInterval.toMillis() < 10 || bfdInterval.toMillis() > 60_000) {
            throw new ConfigurationException(at + "bfd.interval", String.valueOf(bfdInterval), "10ms..60s");
        }
        if (bfdMultiplier < 2 || bfdMultiplier > 255) {
            throw new ConfigurationException(at + "bfd.multiplier", Integer.toString(bfdMultiplier), "2..255");
        }
    }
}
