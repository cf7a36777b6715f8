package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.api.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdClientsTest {
    @Test
    void ipv6LiteralsArePercentEncodedAndIpv4AndNamesKept() {
        assertThat(EtcdClients.target(List.of(URI.create("http://[fd65:7b9c:569:680::1]:2379"),
                URI.create("http://127.0.0.1:2379"), URI.create("http://etcd.local:2379"))))
                .isEqualTo("ip:///%5Bfd65:7b9c:569:680::1%5D:2379,127.0.0.1:2379,etcd.local:2379");
        // The path gRPC hands the resolver is decoded: the brackets are back.
        assertThat(URI.create(EtcdClients.target(List.of(URI.create("http://[::1]:2379")))).getPath()).isEqualTo("/[::1]:2379");
    }

    @Test
    void endpointsNeedAHostAndAPort() {
        assertThatThrownBy(() -> EtcdClients.target(List.of())).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> EtcdClients.target(List.of(URI.create("http://[::1]"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("host and port");
    }

    /**
     * A JVM that used an etcd client and then died (as a killed agent does) leaves no Vert.x
     * cache directory in its temporary directory; the same JVM told to resolve class-path files
     * (Vert.x's default) does leave one, so the check can fail.
     */
    @Test
    void aKilledClientLeavesNoVertxCacheDirectory(@TempDir Path tmp) throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("ours"));
        Path vertxDefault = Files.createDirectories(tmp.resolve("default"));
        runAndHalt(ours, List.of());
        runAndHalt(vertxDefault, List.of("-D" + EtcdClients.VERTX_CLASS_PATH_RESOLVING + "=false"));
        assertThat(vertxCaches(vertxDefault)).as("Vert.x's default leaves its cache (the control)").isNotEmpty();
        assertThat(vertxCaches(ours)).isEmpty();
    }

    private static void runAndHalt(Path tmpdir, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpdir, "-cp", System.getProperty("java.class.path")));
        command.addAll(options);
        command.add(ClientThenHalt.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmpdir.resolve("output.txt").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the client JVM ends").isTrue();
        assertThat(process.exitValue()).as(Files.readString(tmpdir.resolve("output.txt"))).isEqualTo(42);
    }

    private static List<Path> vertxCaches(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("vertx-cache")).toList();
        }
    }

    /** Makes a client, tries one call on a port nobody listens on, and dies without closing anything. */
    public static final class ClientThenHalt {
        public static void main(String[] args) {
            Client client = EtcdClients.connect(List.of(URI.create("http://[::1]:1")));
            try {
                client.getKVClient().get(ByteSequence.from("k", StandardCharsets.UTF_8)).get(500, TimeUnit.MILLISECONDS);
            } catch (Exception expected) {
                // nobody answers: the call is only there to start Vert.x and gRPC
            }
            Runtime.getRuntime().halt(42);
        }
    }
}
