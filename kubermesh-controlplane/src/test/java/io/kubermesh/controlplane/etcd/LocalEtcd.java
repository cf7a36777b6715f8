package io.kubermesh.controlplane.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Test fixtures: etcd members on 127.0.0.1 with free ports and data under a temporary directory. */
final class LocalEtcd {
    static final Duration START = Duration.ofSeconds(30);

    private LocalEtcd() {
    }

    /** Ports handed out in this JVM: never twice. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /**
     * A port free on 127.0.0.1 and ::1, below the kernel's ephemeral range (32768 up): a port
     * from bind(0) is an ephemeral port, and until etcd binds it an outgoing connection (the
     * members' own peer connections) may take it as its source port.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket v4 = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
                 ServerSocket v6 = new ServerSocket(port, 1, InetAddress.getByName("::1"))) {
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 20000..32000 on loopback"));
    }

    static URI url() {
        return URI.create("http://127.0.0.1:" + freePort());
    }

    /** A single healthy member. */
    static EtcdMember single(Path dir, String name) {
        return new EtcdMember(EtcdMember.Spec.single(name, dir.resolve(name), url(), url())).startAndAwaitHealthy(START);
    }

    /** The specs of an n-member cluster (fast raft timing), not started. */
    static List<EtcdMember.Spec> cluster(Path dir, int n) {
        Map<String, URI> peers = new LinkedHashMap<>();
        List<URI> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.put("m" + i, url());
            clients.add(url());
        }
        List<EtcdMember.Spec> specs = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, URI> e : peers.entrySet()) {
            specs.add(new EtcdMember.Spec(e.getKey(), dir.resolve(e.getKey()), clients.get(i++), e.getValue(), peers, false,
                    "kmcp-test", Duration.ofMillis(50), Duration.ofMillis(500)));
        }
        return specs;
    }
}
