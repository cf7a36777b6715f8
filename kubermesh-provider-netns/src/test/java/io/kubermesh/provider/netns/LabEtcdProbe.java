package io.kubermesh.provider.netns;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client of {@link LabAnycastFailSafeIT}, run inside a lab machine's namespace with that
 * machine's certificate: {@code URL STATE} writes every 100 ms, each through a new client (a new
 * connection, so it follows the anycast route of the moment), printing {@code MILLIS ok MEMBER}
 * or {@code MILLIS fail}, until killed.
 */
public final class LabEtcdProbe {
    private LabEtcdProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        URI url = URI.create(args[0]);
        NodeCredentials credentials = NodeCredentials.read(PkiFiles.directory(Path.of(args[1])), PkiFiles.NODE);
        while (true) {
            long t = System.currentTimeMillis();
            String member;
            try (Client c = EtcdClients.connect(List.of(url), credentials)) {
                member = Long.toUnsignedString(c.getKVClient().put(ByteSequence.from("/kubermesh/probe/x", StandardCharsets.UTF_8),
                        ByteSequence.from("x", StandardCharsets.UTF_8)).get(1000, TimeUnit.MILLISECONDS).getHeader().getMemberId());
            } catch (Exception e) {
                member = null;
            }
            System.out.println(t + (member == null ? " fail" : " ok " + member));
            System.out.flush();
            Thread.sleep(100);
        }
    }
}
