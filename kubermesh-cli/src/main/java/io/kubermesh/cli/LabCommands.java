package io.kubermesh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.addressing.config.TopologySpecs;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.lab.ReachabilityProbe;
import io.kubermesh.lab.SubstrateProviders;
import io.kubermesh.spi.SubstrateConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The lab commands of the CLI contract: up, status, down, cut, join, kill, revive, plug. */
final class LabCommands {
    private LabCommands() {
    }

    /** {@code --lab DIR} and {@code --plugins DIR}: which lab, and where its substrate provider may be. */
    static final class LabOptions {
        @Option(names = "--lab", paramLabel = "DIR", description = "The lab's directory (default: /run/kubermesh/lab).")
        Path dir = Lab.DEFAULT_DIRECTORY;

        @Mixin
        PluginOptions plugins = new PluginOptions();

        Lab attach(PrintWriter out) {
            return Lab.attach(dir, plugins.providers(), line -> {
                out.println(line);
                out.flush();
            });
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Builds a lab mesh on a substrate (network namespaces by default); its machines join one after another.")
    static final class Up implements Callable<Integer> {
        @Mixin
        LabOptions lab = new LabOptions();

        @Option(names = "--config", paramLabel = "FILE", description = "The cluster YAML (default: the seed profile).")
        Path config;

        @Option(names = "--substrate", defaultValue = "netns", paramLabel = "NAME",
                description = "The substrate provider (default: ${DEFAULT-VALUE}); `kubermesh substrates` lists those found.")
        String substrate;

        @Option(names = "--site", paramLabel = "FILE",
                description = "The site inventory, for substrates that need one (passed as option site=FILE).")
        Path site;

        @Option(names = {"-O", "--substrate-option"}, paramLabel = "KEY=VALUE",
                description = "A provider option (see the provider's description), repeatable.")
        Map<String, String> substrateOptions = new LinkedHashMap<>();

        @Option(names = "--nodes", defaultValue = "0", paramLabel = "N", description = "Machines, for line and ring.")
        int nodes;

        @Option(names = "--topology", defaultValue = "seed", paramLabel = "SPEC",
                description = "seed, line, ring, grid:RxC or a file of cables (default: ${DEFAULT-VALUE}).")
        String topology;

        @Option(names = "--settle", defaultValue = "60", paramLabel = "SECONDS",
                description = "How long to wait, once every machine joined, for components still starting (default:"
                        + " ${DEFAULT-VALUE}; slow machines, such as VMs without KVM, may need minutes for their etcd members)."
                        + " What is still starting then is a failure of up.")
        int settle;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (settle < 1 || settle > 3600) {
                throw new io.kubermesh.api.ConfigurationException("--settle", String.valueOf(settle), "1..3600 seconds");
            }
            java.time.Duration settleTime = java.time.Duration.ofSeconds(settle);
            SubstrateProviders providers = lab.plugins.providers();
            var provider = providers.named(substrate);
            Map<String, String> options = new LinkedHashMap<>(substrateOptions);
            if (site != null) {
                options.put("site", site.toAbsolutePath().toString());
            }
            var given = spec.commandLine().getParseResult();
            if (options.containsKey("site")) {
                // A site's machines and cables are the ones a person put there.
                for (String o : List.of("--topology", "--nodes")) {
                    if (given.hasMatchedOption(o)) {
                        throw new io.kubermesh.api.ConfigurationException(o, o.equals("--nodes") ? String.valueOf(nodes) : topology,
                                "nothing, with --site: the site inventory's machines and cables are the topology");
                    }
                }
            }
            Topology t = TopologySpecs.resolve(topology, nodes);
            String yaml = config != null ? Files.readString(config) : seedYaml();
            ClusterConfig.parse(yaml, config == null ? "profile seed" : config.toString());
            PrintWriter out = spec.commandLine().getOut();
            java.util.function.Consumer<String> progress = line -> {
                out.println(line);
                out.flush();
            };
            if (provider.needsNodeImage(options) && !options.containsKey(SubstrateConfig.NODE_IMAGE)) {
                if (Lab.exists(lab.dir)) {
                    throw new SubstrateException("a lab is already up in " + lab.dir + "; `kubermesh down` removes it");
                }
                // Root, libvirt, qemu, OVMF: named with their install line now, not after minutes of image building.
                provider.checkEnvironment();
                options.put(SubstrateConfig.NODE_IMAGE, LabImage.build(yaml, config == null ? "profile seed" : config.toString(),
                        progress).toString());
            }
            Lab l = Lab.create(lab.dir, yaml, provider, options, progress);
            // Ctrl-C (or a failure) during up leaves nothing behind.
            Thread cleanup = new Thread(() -> {
                out.println("interrupted: tearing the lab down");
                out.flush();
                l.down();
            }, "up-interrupted");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                if (l.substrate().site().isPresent()) {
                    progress.accept("the site's machines and cables: " + l.substrate().site().get().topology().machines().size()
                            + " machines, " + l.substrate().site().get().cables().size() + " cables");
                    l.upSite();
                } else {
                    l.up(t);
                }
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
                // What failed on the machines that did come up often says why the next one did not.
                try {
                    List<String> failures = StatusCommand.failures(l.status());
                    if (!failures.isEmpty()) {
                        out.println("failed components of the machines that answer:");
                        failures.forEach(f -> out.println("  " + f));
                    }
                } catch (RuntimeException statusFailed) {
                    // the lab is going down anyway; the error below is what matters
                }
                out.println("up failed: " + e.getMessage() + "; tearing the lab down");
                l.down();
                throw e;
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
            List<MachineView> machines = settled(l, progress, settleTime);
            out.println();
            StatusCommand.table(out, machines, l.joinTimes());
            out.println();
            // As long as the orchestration contract gives the mesh to settle; answered at once when it has.
            Map<String, Map<String, Boolean>> reach = l.reachability(30);
            reachabilityTable(out, reach);
            // A component still starting when the settle time is over did not come up: that is a
            // failure of up (a control plane that never settles must not pass for a running one).
            List<String> failures = StatusCommand.upFailures(machines, settleTime);
            boolean meshComplete = ReachabilityProbe.complete(reach);
            if (!meshComplete) {
                out.println();
                out.println("up: some machines do not reach each other (NO in the table above) although all joined;"
                        + " kubermesh routes shows which routes are missing or stale");
            }
            if (!failures.isEmpty()) {
                out.println();
                out.println("up: " + failures.size() + " component" + (failures.size() == 1 ? "" : "s")
                        + " the cluster file asks for did not come up:");
                failures.forEach(f -> out.println("  " + f));
            }
            if (!meshComplete || !failures.isEmpty()) {
                out.println("the lab stays up to look at (kubermesh status, the machines' consoles); kubermesh down removes it");
                return Kubermesh.FAILED;
            }
            return 0;
        }

        /** The status once no component is starting any more (or after {@code settle}, saying which still are). */
        private static List<MachineView> settled(Lab l, java.util.function.Consumer<String> progress, java.time.Duration settle) {
            long deadline = System.nanoTime() + settle.toNanos();
            boolean said = false;
            while (true) {
                List<MachineView> machines = l.status();
                List<String> starting = new ArrayList<>();
                for (MachineView m : machines) {
                    m.components().stream().filter(c -> ComponentStatus.STARTING.equals(c.state()))
                            .forEach(c -> starting.add(m.name() + " " + c.name()));
                }
                if (starting.isEmpty()) {
                    return machines;
                }
                if (System.nanoTime() > deadline) {
                    progress.accept("still starting after " + settle.toSeconds() + " s: " + String.join(", ", starting));
                    return machines;
                }
                if (!said) {
                    progress.accept("waiting for components still starting: " + String.join(", ", starting));
                    said = true;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return machines;
                }
            }
        }

        private static String seedYaml() {
            try (InputStream in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static void reachabilityTable(PrintWriter out, Map<String, Map<String, Boolean>> m) {
        List<String> names = new ArrayList<>(m.keySet());
        int ok = 0;
        int all = 0;
        out.println("reachability (ICMPv6 echo from row to column host address):");
        StringBuilder head = new StringBuilder(String.format("%-14s", ""));
        for (int i = 0; i < names.size(); i++) {
            head.append(String.format(" %3d", i));
        }
        out.println(head);
        for (int i = 0; i < names.size(); i++) {
            StringBuilder row = new StringBuilder(String.format("%-10s %3d", names.get(i), i));
            for (String to : names) {
                Boolean r = m.get(names.get(i)).get(to);
                row.append(r == null ? "   -" : r ? "  ok" : "  NO");
                if (r != null) {
                    all++;
                    ok += r ? 1 : 0;
                }
            }
            out.println(row);
        }
        out.printf("%d of %d pairs reach each other%n", ok, all);
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Tears the lab down, leaving nothing behind.")
    static final class Down implements Callable<Integer> {
        @Mixin
        LabOptions lab = new LabOptions();
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!Lab.exists(lab.dir)) {
                out.println("no lab is up in " + lab.dir);
                return 0;
            }
            lab.attach(out).down();
            out.println("lab removed: namespaces, links, agents and " + lab.dir);
            return 0;
        }
    }

    /** A lab command that attaches to the lab and does one thing to it. */
    abstract static class LabAction implements Callable<Integer> {
        @Mixin
        LabOptions lab = new LabOptions();
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract void act(Lab l);

        @Override
        public Integer call() {
            act(lab.attach(spec.commandLine().getOut()));
            return 0;
        }
    }

    /** A lab command about the cable between machines A and B. */
    abstract static class CableAction extends LabAction {
        @Parameters(index = "0", paramLabel = "A")
        String a;
        @Parameters(index = "1", paramLabel = "B")
        String b;
    }

    /** A lab command about one machine. */
    abstract static class MachineAction extends LabAction {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;
    }

    @Command(name = "cut", mixinStandardHelpOptions = true, description = "Removes the cable between machines A and B.")
    static final class Cut extends CableAction {
        @Override
        void act(Lab l) {
            l.cut(a, b);
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true, description = "Restores the cable between A and B that cut removed.")
    static final class Join extends CableAction {
        @Override
        void act(Lab l) {
            l.join(a, b);
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Powers a machine off.")
    static final class Kill extends MachineAction {
        @Override
        void act(Lab l) {
            l.kill(node);
        }
    }

    @Command(name = "revive", mixinStandardHelpOptions = true, description = "Powers a machine on again.")
    static final class Revive extends MachineAction {
        @Override
        void act(Lab l) {
            l.revive(node);
        }
    }

    @Command(name = "plug", mixinStandardHelpOptions = true, description = "Adds a new blank machine cabled to the given ports.")
    static final class Plug implements Callable<Integer> {
        @Mixin
        LabOptions lab = new LabOptions();
        @Option(names = "--to", paramLabel = "NODE[:PORT]", required = true, description = "Where its ports go, in order.")
        List<String> to;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<PortRef> refs = new ArrayList<>();
            for (String t : to) {
                String[] parts = t.split(":");
                try {
                    refs.add(new PortRef(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : -1));
                } catch (NumberFormatException e) {
                    throw new ConfigurationException("--to", t, "NODE or NODE:PORT with a port number");
                }
            }
            String name = lab.attach(spec.commandLine().getOut()).plug(refs);
            spec.commandLine().getOut().println(name);
            return 0;
        }
    }

    /** Pretty JSON for status. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
}
