package io.kubermesh.routing.daemon;

import io.kubermesh.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link RoutingDaemonProvider}s by name through {@link ServiceLoader}. */
public final class RoutingDaemons {
    private RoutingDaemons() {
    }

    /** Every provider on the class path, in discovery order. */
    public static List<RoutingDaemonProvider> providers() {
        List<RoutingDaemonProvider> out = new ArrayList<>();
        ServiceLoader.load(RoutingDaemonProvider.class, RoutingDaemons.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /**
     * The provider called {@code name}; an unknown name is a {@link ConfigurationException} that
     * lists every provider found.
     */
    public static RoutingDaemonProvider provider(String name) {
        List<RoutingDaemonProvider> all = providers();
        List<RoutingDaemonProvider> matching = all.stream().filter(p -> p.name().equals(name)).toList();
        if (matching.size() != 1) {
            List<String> names = all.stream().map(RoutingDaemonProvider::name).toList();
            throw new ConfigurationException("cluster.routing.daemon", name,
                    (matching.isEmpty() ? "one of " : "a name only one provider has; found ") + names);
        }
        return matching.get(0);
    }
}
