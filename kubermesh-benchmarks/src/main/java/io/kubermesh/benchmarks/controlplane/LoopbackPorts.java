package io.kubermesh.benchmarks.controlplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Client and peer URLs for local etcd members: ports free on 127.0.0.1 below the ephemeral
 * range, so no outgoing connection takes one before etcd binds it.
 */
final class LoopbackPorts {
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private LoopbackPorts() {
    }

    static URI url() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return URI.create("http://127.0.0.1:" + port);
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port in 20000..32000 on 127.0.0.1");
    }
}
