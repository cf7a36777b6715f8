package io.kubermesh.routing.daemon;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RoutingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Shared test values: one node's configuration and the captured daemon replies under test resources. */
public final class Fixtures {
    private Fixtures() {
    }

    /** kubermesh1 of a lab: two ports, the seed's timers, running in namespace kmrd-n2. */
    public static NodeConfig node() {
        return new NodeConfig("kubermesh1", NodeConfig.routerIdFor(MacAddress.parse("52:54:00:6b:00:02")),
                List.of("cluster0", "cluster2"), "stub0", Optional.of("kmrd-n2"), Path.of("/var/lib/kubermesh/routing"),
                RoutingSpec.DEFAULT);
    }

    /** A fixed routing key (never a real cluster's). */
    public static final RoutingKey KEY = new RoutingKey(7, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    /** The key a roll from {@link #KEY} goes to (never a real cluster's). */
    public static final RoutingKey NEXT_KEY = new RoutingKey(8, "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");

    /** The same node with {@link #KEY}. */
    public static NodeConfig keyedNode() {
        return node().withKey(KEY);
    }

    /** The same node in the middle of a roll: signing with {@link #NEXT_KEY}, still accepting {@link #KEY}. */
    public static NodeConfig rollingNode() {
        return node().withKeys(new RoutingKeyring(NEXT_KEY, List.of(KEY)));
    }

    /** A test resource next to {@code io/kubermesh/routing/daemon/}, as text. */
    public static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
