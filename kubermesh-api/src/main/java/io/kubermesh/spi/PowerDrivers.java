package io.kubermesh.spi;

import io.kubermesh.api.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds {@link PowerDriver}s by name through {@link ServiceLoader}: a convenience for the CLI and
 * the baremetal substrate, which get drivers on their runtime class path only.
 */
public final class PowerDrivers {
    private PowerDrivers() {
    }

    /** Every driver visible to {@code loader}, in discovery order. */
    public static List<PowerDriver> drivers(ClassLoader loader) {
        List<PowerDriver> out = new ArrayList<>();
        ServiceLoader.load(PowerDriver.class, loader).forEach(out::add);
        return out;
    }

    /** Every driver visible to this class's loader. */
    public static List<PowerDriver> drivers() {
        return drivers(PowerDrivers.class.getClassLoader());
    }

    /**
     * The one driver called {@code name}; none or several is a {@link ConfigurationException} at
     * {@code path} that lists every driver found.
     */
    public static PowerDriver driver(String path, String name, List<PowerDriver> found) {
        List<PowerDriver> matching = found.stream().filter(d -> d.name().equals(name)).toList();
        if (matching.size() != 1) {
            List<String> names = found.stream().map(PowerDriver::name).toList();
            throw new ConfigurationException(path, name, matching.isEmpty()
                    ? "a power driver on the class path; found " + (names.isEmpty() ? "none" : names.toString())
                    : "a name only one power driver has; found " + names);
        }
        return matching.get(0);
    }

    /** {@link #driver(String, String, List)} among {@link #drivers()}. */
    public static PowerDriver driver(String path, String name) {
        return driver(path, name, drivers());
    }
}
