package io.kubermesh.controlplane.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** fabric8's mock apiserver in CRUD mode: it stores what is written and serves it back (no real apiserver runs here). */
final class CrudApiserver {
    /** Held so the logger, and its level, is not collected: the mock server logs every request. */
    private static final Logger QUIET = Logger.getLogger("io.fabric8.mockwebserver");

    private CrudApiserver() {
    }

    static KubernetesMockServer start() {
        QUIET.setLevel(Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        return server;
    }
}
