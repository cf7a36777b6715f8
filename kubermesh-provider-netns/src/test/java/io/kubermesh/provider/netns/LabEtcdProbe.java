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
 * An etcd client for the lab's ITs, run inside a lab machine's namespace with that machine's
 * certificate (etcd refuses clients without one), so it reaches etcd as the machine does:
 * <ul>
 *   <li>{@code URL STATE} writes every 100 ms, each through a new client (a new connection, so it
 *       follows the anycast route of the moment) and each within {@code -Dprobe.timeout} ms (1000
 *       unless given), printing {@code MILLIS ok MEMBER} or {@code MILLIS fail WHY}, until killed
 *       ({@link LabAnycastFailSafeIT});</li>
 *   <li>{@code URL STATE PREFIX} prints the value of every key under {@code PREFIX}, one a line,
 *       and exits ({@link LabMovedMachineIT}).</li>
 * </ul>
 */
public final class LabEtcdProbe {
    private LabEtcdProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        URI url = URI.create(args[0]);
        NodeCredentials credentials = NodeCredentials.read(PkiFiles.directory(Path.of(args[1])), PkiFiles.NODE);
        if (args.length > 2) {
            ByteSequence prefix = ByteSequence.from(args[2], StandardCharsets.UTF_8);
            try (Client c = EtcdClients.connect(List.of(url), credentials)) {
                c.getKVClient().get(prefix, io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build())
                        .get(5, TimeUnit.SECONDS).getKvs().forEach(kv -> System.out.println(kv.getValue()
                                .toString(StandardCharsets.UTF_8).replace('\n', ' ')));
            } catch (Exception e) {
                System.err.println("etcd: " + e);
                System.exit(1);
            }
            System.exit(0);
        }
        long timeout = Long.getLong("probe.timeout", 1000);
        while (true) {
            long t = System.currentTimeMillis();
            String member;
            String why = "";
            try (Client c = EtcdClients.connect(List.of(url), credentials)) {
                member = Long.toUnsignedString(c.getKVClient().put(ByteSequence.from("/kubermesh/probe/x", StandardCharsets.UTF_8),
                        ByteSequence.from("x", StandardCharsets.UTF_8)).get(timeout, TimeUnit.MILLISECONDS).getHeader().getMemberId());
            } catch (Exception e) {
                member = null;
                Throwable cause = e.getCause() == null ? e : e.getCause();
                why = (cause.getClass().getSimpleName() + ": " + cause.getMessage()).replaceAll("\\s+", " ");
            }
            System.out.println(t + (member == null ? " fail " + why : " ok " + member));
            System.out.flush();
            Thread.sleep(100);
        }
    }
}
