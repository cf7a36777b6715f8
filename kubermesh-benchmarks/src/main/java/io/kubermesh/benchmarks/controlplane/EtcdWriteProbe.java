package io.kubermesh.benchmarks.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of {@code scripts/etcd-anycast-failover.sh}, run inside a lab machine's
 * namespace: one write ({@code POST /v3/kv/put} on etcd's JSON gateway) every 50 ms, each on a
 * new TCP connection (500 ms connect timeout, 1 s answer timeout), printing
 * {@code MILLIS ok MEMBER_ID} or {@code MILLIS fail}, until killed.
 *
 * <p>Given one URL (the etcd anycast address) it always asks there: failover is the mesh's job.
 * Given several (the members' own client URLs, the peer: what an etcd client with an endpoint
 * list does), it asks the one that answered last and, when that fails, the next ones in turn.
 *
 * <p>Run: {@code java -cp benchmarks.jar io.kubermesh.benchmarks.controlplane.EtcdWriteProbe URL[,URL...]}.
 */
public final class EtcdWriteProbe {
    private static final Pattern MEMBER = Pattern.compile("\"member_id\":\"(\\d+)\"");

    private EtcdWriteProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<URI> urls = new ArrayList<>();
        for (String u : args[0].split(",")) {
            urls.add(URI.create(u));
        }
        int current = 0;
        while (true) {
            long t = System.currentTimeMillis();
            String member = null;
            for (int i = 0; i < urls.size() && member == null; i++) {
                int at = (current + i) % urls.size();
                member = put(urls.get(at));
                if (member != null) {
                    current = at;
                }
            }
            System.out.println(t + (member == null ? " fail" : " ok " + member));
            System.out.flush();
            Thread.sleep(50);
        }
    }

    private static String put(URI url) {
        String host = url.getHost().replace("[", "").replace("]", "");
        byte[] body = "{\"key\":\"a20tYmVuY2g=\",\"value\":\"eA==\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] request = ("POST /v3/kv/put HTTP/1.1\r\nHost: [" + host + "]:" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                + new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, url.getPort()), 500);
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
}
