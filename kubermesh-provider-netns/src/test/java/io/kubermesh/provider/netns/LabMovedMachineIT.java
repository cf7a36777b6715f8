package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.lab.Lab;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A machine moved to another neighbour (lab namespaces kmmr-*): in a line of three, the last
 * machine network-boots and installs through the middle one; once etcd holds its boot record
 * ({@code installed}), it is powered off, its cable is moved to the gateway, and powered on: the
 * gateway, which never saw it, sends it to its disk instead of the installer, because the boot
 * services share their machine records through etcd.
 */
class LabMovedMachineIT extends LabFixture {
    private static final String CLUSTER = "mr";

    @Override
    String cluster() {
        return CLUSTER;
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMachineInstalledThroughOneNeighbourBootsFromDiskThroughAnother() throws Exception {
        lab = Lab.create(dir, clusterYaml(), new NetnsSubstrateProvider(), java.util.Map.of(), line -> System.out.println("  " + line));
        Topology line = Topology.line(3);
        lab.up(line);
        String gateway = line.machines().get(0).name();
        String middle = line.machines().get(1).name();
        String moved = line.machines().get(2).name();
        String console = lab.consoleTail(moved, 1_000_000);
        assertThat(console).as("first boot through " + middle).contains("phoned home: installed")
                .doesNotContain("booting from disk");

        awaitInstalledInEtcd(gateway);

        lab.kill(moved);
        lab.cut(middle, moved);
        Topology now = lab.substrate().topology();
        lab.substrate().cable(new PortRef(moved, 0), new PortRef(gateway, freePort(now, gateway)));
        lab.revive(moved);

        String after = lab.consoleTail(moved, 1_000_000);
        assertThat(count(after, "phoned home: installed")).as("installed once only:\n" + after).isEqualTo(1);
        assertThat(count(after, "booting from disk")).as("the second boot, through " + gateway + ":\n" + after)
                .isEqualTo(1);
    }

    /**
     * Waits (up to 90 s) until etcd, asked through its anycast address from {@code from} with that
     * machine's certificate ({@link LabEtcdProbe}), holds an installed boot record.
     */
    private void awaitInstalledInEtcd(String from) throws Exception {
        NetnsSubstrate netns = (NetnsSubstrate) lab.substrate();
        AddressPlan.ResolvedService etcd = lab.plan().anycast().stream().filter(s -> s.name().equals("etcd")).findFirst()
                .orElseThrow();
        String url = "https://[" + etcd.address() + "]:" + etcd.port();
        long deadline = System.nanoTime() + 90_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("nsenter", "--net=" + NetworkNamespaces.path(netns.namespace(from)), "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), LabEtcdProbe.class.getName(),
                    url, netns.agentState(from).toString(), "/kubermesh/boot/machines/").redirectErrorStream(true).start();
            last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Set<String> states = new TreeSet<>();
            for (String line : last.lines().toList()) {
                try {
                    states.add(JSON.readTree(line).path("state").asText());
                } catch (IOException e) {
                    // a diagnostic line (etcd not answering yet): try again
                }
            }
            if (states.contains("installed") || states.contains("joined")) {
                System.out.println("boot records in etcd: " + states);
                return;
            }
            Thread.sleep(1000);
        }
        fail("etcd at " + url + " holds no installed boot record after 90 s; last answer: " + last);
    }

    private static int freePort(Topology t, String machine) {
        Set<Integer> used = new TreeSet<>();
        for (Cable c : t.cables()) {
            for (PortRef r : List.of(c.a(), c.b())) {
                if (r.machine().equals(machine)) {
                    used.add(r.port());
                }
            }
        }
        int p = 0;
        while (used.contains(p)) {
            p++;
        }
        return p;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String clusterYaml() throws IOException {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + CLUSTER);
        }
    }
}
