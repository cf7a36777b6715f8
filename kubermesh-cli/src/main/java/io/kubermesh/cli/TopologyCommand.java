package io.kubermesh.cli;

import io.kubermesh.addressing.config.TopologySpecs;
import io.kubermesh.api.Topology;
import io.kubermesh.lab.TopologyRender;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubermesh topology}: machines and cables as text, Graphviz dot, or SVG. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Draws a mesh: machines and the cables between their ports.")
final class TopologyCommand implements Callable<Integer> {
    enum Format { text, dot, svg }

    @Option(names = "--format", defaultValue = "text", description = "text, dot or svg (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--topology", paramLabel = "SPEC", defaultValue = "seed",
            description = "seed, line, ring, grid:RxC or a file of cables (default: ${DEFAULT-VALUE}).")
    String topology;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "0", description = "Machines, for line and ring.")
    int nodes;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Topology t = TopologySpecs.resolve(topology, nodes);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case dot:
                out.print(TopologyRender.dot(t));
                break;
            case svg:
                out.print(TopologyRender.svg(t));
                break;
            default:
                out.print(TopologyRender.text(t));
        }
        out.flush();
        return 0;
    }
}
