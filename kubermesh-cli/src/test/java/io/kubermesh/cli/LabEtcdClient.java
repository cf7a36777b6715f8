package io.kubermesh.cli;

import io.etcd.jetcd.Client;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.AllocationException;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.controlplane.etcd.EtcdAllocationStore;
import io.kubermesh.controlplane.etcd.EtcdClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of {@link EtcdLabIT}, run as a process inside a lab machine's namespace
 * ({@code nsenter --net=...}), so it reaches etcd the way the machine does: through the etcd
 * anycast address and the mesh's routes.
 *
 * <ul>
 *   <li>{@code probe URL}: a write ({@code POST /v3/kv/put} on etcd's JSON gateway) every 50 ms,
 *       each on a new TCP connection, printing {@code MILLIS ok MEMBER_ID} or {@code MILLIS fail};
 *       until killed.</li>
 *   <li>{@code allocate URL PREFIX COUNT}: allocates IPv4 node addresses for identities
 *       {@code PREFIX-0 .. PREFIX-(COUNT-1)} through {@link EtcdAllocationStore}, printing
 *       {@code IDENTITY ADDRESS} for each.</li>
 * </ul>
 */
public final class LabEtcdClient {
    private static final Pattern MEMBER = Pattern.compile("\"member_id\":\"(\\d+)\"");

    private LabEtcdClient() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[1]);
        if (args[0].equals("probe")) {
            probe(url);
        } else {
            allocate(url, args[2], Integer.parseInt(args[3]));
        }
    }

    private static void probe(URI url) throws InterruptedException {
        byte[] body = "{\"key\":\"a20tcHJvYmU=\",\"value\":\"eA==\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] request = ("POST /v3/kv/put HTTP/1.1\r\nHost: [" + url.getHost() + "]:" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                + new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        while (true) {
            long t = System.currentTimeMillis();
            String member = put(url, request);
            System.out.println(t + (member == null ? " fail" : " ok " + member));
            System.out.flush();
            Thread.sleep(50);
        }
    }

    private static String put(URI url, byte[] request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(url.getHost().replace("[", "").replace("]", ""), url.getPort()), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = MEMBER.matcher(answer);
            return answer.startsWith("HTTP/1.1 200") && m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void allocate(URI url, String prefix, int count) throws InterruptedException {
        // A loaded machine (several JVMs and etcd members on two cores) may take long to answer
        // the first call, or lose its leader for a few seconds: allocating again for the same
        // identity is safe (it returns the address already taken), so retry within a minute.
        try (Client client = EtcdClients.connect(List.of(url));
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
