package io.kubermesh.benchmarks.boot;

import io.kubermesh.boot.http.BootHttpServer;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.machine.ProfileCatalog;
import io.kubermesh.boot.tftp.TftpServer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Clock;

/**
 * kubermesh's TFTP and HTTP boot servers for the whole-process benchmark
 * ({@code scripts/boot-bench.sh}): {@code tftp-root=DIR iface=IF [http-assets=DIR http-state=DIR
 * http-port=N]}. Prints {@code READY} once serving; runs until killed.
 */
public final class BootServe {
    private BootServe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        List<AutoCloseable> running = new ArrayList<>();
        if (a.containsKey("tftp-root")) {
            running.add(TftpServer.onInterfaces(Path.of(a.get("tftp-root")), List.of(a.get("iface")), 69));
        }
        if (a.containsKey("http-assets")) {
            Path state = Path.of(a.get("http-state"));
            MachineService machines = new MachineService(new MachineStore(state), ProfileCatalog.load(state),
                    Clock.systemUTC());
            running.add(new BootHttpServer((remote, local) -> Optional.empty(), machines, Path.of(a.get("http-assets")),
                    new InetSocketAddress("::", Integer.parseInt(a.get("http-port")))));
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
