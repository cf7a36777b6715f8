package io.kubermesh.cli;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.lab.SubstrateProviders;
import io.kubermesh.spi.SubstrateProvider;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code kubermesh substrates}: every provider found, with its description and whether this host can run it. */
@Command(name = "substrates", mixinStandardHelpOptions = true,
        description = "Lists the substrate providers found (class path and plug-in directory) and whether this host can run each.")
final class SubstratesCommand implements Callable<Integer> {
    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SubstrateProviders found = plugins.providers();
        List<SubstrateProvider> all = found.all();
        String format = "%-12s %-6s %s%n";
        out.printf(format, "SUBSTRATE", "RUNS", "DESCRIPTION");
        for (SubstrateProvider p : all) {
            String why = null;
            try {
                p.checkEnvironment();
            } catch (KubermeshException e) {
                why = e.getMessage();
            }
            out.printf(format, p.name(), why == null ? "yes" : "no", p.description());
            if (why != null) {
                out.printf("%-12s %-6s not here: %s%n", "", "", why);
            }
        }
        out.printf("%d provider%s found on the class path%s%n", all.size(), all.size() == 1 ? "" : "s",
                found.pluginDirectory().map(d -> " and in " + d).orElse(""));
        return 0;
    }
}
