package io.kubermesh.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.AllocationException;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.controlplane.etcd.EtcdAllocationStore;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The client side of {@link EtcdLabIT}, run as a process inside a lab machine's namespace
 * ({@code nsenter --net=...}), so it reaches etcd the way the machine does: through the etcd
 * anycast address and the mesh's routes.
 *
 * Every call presents the machine's own certificate ({@code STATE/pki/node.crt}), as the
 * machine's agent does: etcd refuses clients without one.
 *
 * <ul>
 *   <li>{@code probe URL STATE}: a write every 50 ms, each through a new client (a new TCP and TLS
 *       connection, so it follows the anycast route), printing {@code MILLIS ok MEMBER_ID} (decimal)
 *       or {@code MILLIS fail WHY}; until killed.</li>
 *   <li>{@code allocate URL STATE PREFIX COUNT}: allocates IPv4 node addresses for identities
 *       {@code PREFIX-0 .. PREFIX-(COUNT-1)} through {@link EtcdAllocationStore}, printing
 *       {@code IDENTITY ADDRESS} for each.</li>
 * </ul>
 */
public final class LabEtcdClient {

    private LabEtcdClient() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[1]);
        NodeCredentials credentials = NodeCredentials.read(PkiFiles.directory(Path.of(args[2])), PkiFiles.NODE);
        if (args[0].equals("probe")) {
            probe(url, credentials);
        } else {
            allocate(url, credentials, args[3], Integer.parseInt(args[4]));
        }
    }

    private static void probe(URI url, NodeCredentials credentials) throws InterruptedException {
        while (true) {
            long t = System.currentTimeMillis();
            System.out.println(t + " " + put(url, credentials));
            System.out.flush();
            Thread.sleep(50);
        }
    }

    /** {@code ok MEMBER_ID}, or {@code fail WHY} on one line. */
    private static String put(URI url, NodeCredentials credentials) {
        try (Client c = EtcdClients.connect(List.of(url), credentials)) {
            var r = c.getKVClient().put(ByteSequence.from("/kubermesh/probe/x", StandardCharsets.UTF_8),
                    ByteSequence.from("x", StandardCharsets.UTF_8)).get(1000, TimeUnit.MILLISECONDS);
            return "ok " + Long.toUnsignedString(r.getHeader().getMemberId());
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "fail " + (cause.getClass().getSimpleName() + ": " + cause.getMessage()).replaceAll("\\s+", " ");
        }
    }

    private static void allocate(URI url, NodeCredentials credentials, String prefix, int count) throws InterruptedException {
        // A loaded machine (several JVMs and etcd members on two cores) may take long to answer
        // the first call, or lose its leader for a few seconds: allocating again for the same
        // identity is safe (it returns the address already taken), so retry within a minute.
        try (Client client = EtcdClients.connect(List.of(url), credentials);
             EtcdAllocationStore store = new EtcdAllocationStore(client, EtcdAllocationStore.DEFAULT_PREFIX,
                     Duration.ofSeconds(20))) {
            Ipv4Allocator allocator = Ipv4Allocator.nodeAddresses(store, Ipv4Pools.DEFAULT);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                while (true) {
                    try {
                        Ipv4Prefix a = allocator.allocate(id);
                        System.out.println(id + " " + a.network());
                        break;
                    } catch (AllocationException e) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        System.err.println("retrying " + id + ": " + e.getMessage());
                        Thread.sleep(200);
                    }
                }
            }
        }
        System.exit(0);
    }
}
