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

/** Test fixtures: etcd members on 127.0.0.1 with free ports and data under a temporary directory. */
final class LocalEtcd {
    static final Duration START = Duration.ofSeconds(30);

    private LocalEtcd() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
