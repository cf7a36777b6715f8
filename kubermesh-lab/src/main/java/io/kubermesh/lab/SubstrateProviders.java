package io.kubermesh.lab;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.SubstrateProvider;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link SubstrateProvider}s found through {@link ServiceLoader}: those on the class path,
 * and those in the jars of a plug-in directory ({@code --plugins DIR}, {@code KUBERMESH_PLUGINS}),
 * which are loaded into a class loader of their own whose parent has kubermesh itself. A provider
 * is chosen by name; an unknown name fails with the list of every provider found. A library user
 * who has a provider instance passes it directly instead ({@link Lab#create}).
 */
public final class SubstrateProviders {
    private final ClassLoader loader;
    private final Optional<Path> plugins;

    private SubstrateProviders(ClassLoader loader, Optional<Path> plugins) {
        this.loader = loader;
        this.plugins = plugins;
    }

    /** The providers on kubermesh's own class path. */
    public static SubstrateProviders fromClassPath() {
        return new SubstrateProviders(SubstrateProviders.class.getClassLoader(), Optional.empty());
    }

    /**
     * The providers on the class path and in every {@code *.jar} of {@code directory} (a plug-in
     * jar carries its provider and whatever it needs beyond kubermesh).
     *
     * @throws ConfigurationException when {@code directory} is not a readable directory
     */
    public static SubstrateProviders withPlugins(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ConfigurationException("--plugins", directory.toString(), "a directory of plug-in jars");
        }
        List<URL> jars = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
                    jars.add(p.toUri().toURL());
                }
            }
        } catch (MalformedURLException e) {
            throw new ConfigurationException("--plugins", directory.toString(), "a directory whose jars have valid paths");
        } catch (IOException e) {
            throw new ConfigurationException("--plugins", directory.toString(), "a readable directory (" + e.getMessage() + ")");
        }
        ClassLoader loader = new URLClassLoader("kubermesh-plugins", jars.toArray(URL[]::new),
                SubstrateProviders.class.getClassLoader());
        return new SubstrateProviders(loader, Optional.of(directory));
    }

    /** {@link #withPlugins} when {@code directory} is given, else {@link #fromClassPath}. */
    public static SubstrateProviders of(Optional<Path> directory) {
        return directory.map(SubstrateProviders::withPlugins).orElseGet(SubstrateProviders::fromClassPath);
    }

    /** The plug-in directory searched besides the class path, if any. */
    public Optional<Path> pluginDirectory() {
        return plugins;
    }

    /** Every provider found, in discovery order (class path first). */
    public List<SubstrateProvider> all() {
        List<SubstrateProvider> out = new ArrayList<>();
        try {
            ServiceLoader.load(SubstrateProvider.class, loader).forEach(out::add);
        } catch (ServiceConfigurationError e) {
            throw new SubstrateException("a substrate provider could not be loaded: " + e.getMessage()
                    + plugins.map(p -> " (plug-ins from " + p + ")").orElse(""), e);
        }
        return out;
    }

    /**
     * The provider called {@code name}; an unknown name (or one two providers claim) is a
     * {@link ConfigurationException} on {@code --substrate} that lists every provider found.
     */
    public SubstrateProvider named(String name) {
        List<SubstrateProvider> all = all();
        List<SubstrateProvider> matching = all.stream().filter(p -> p.name().equals(name)).toList();
        if (matching.size() != 1) {
            List<String> names = all.stream().map(SubstrateProvider::name).toList();
            String where = plugins.map(p -> " on the class path and in " + p).orElse(" on the class path");
            throw new ConfigurationException("--substrate", name, (matching.isEmpty()
                    ? "one of the providers found" + where + ": " : "a name only one provider has; found" + where + ": ")
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return matching.get(0);
    }
}
