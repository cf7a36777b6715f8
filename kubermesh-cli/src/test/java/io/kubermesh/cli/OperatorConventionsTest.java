package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What operators expect of a CLI: examples in every help, a version with its commit, completion scripts. */
class OperatorConventionsTest {
    private static void every(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().forEach(c -> every(c, out));
    }

    @Test
    void everyCommandsHelpEndsWithAnExample() {
        List<CommandLine> all = new ArrayList<>();
        every(Examples.addTo(new CommandLine(new Kubermesh())), all);
        assertThat(all).hasSizeGreaterThan(15);
        for (CommandLine cl : all) {
            if (cl.getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            StringWriter help = new StringWriter();
            cl.usage(new PrintWriter(help));
            assertThat(help.toString()).as(cl.getCommandSpec().qualifiedName()).containsPattern("Examples?:\\n  .*kubermesh ");
        }
    }

    @Test
    void theVersionNamesTheReleaseAndTheCommit() throws Exception {
        PlanCommandTest.Result r = PlanCommandTest.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("kubermesh \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ");
        // Built by Maven: the commit of this checkout (never "development"); outside a checkout, "unknown".
        Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (git.waitFor() == 0) {
            assertThat(r.out()).contains("(commit " + head);
        } else {
            assertThat(r.out()).contains("(commit unknown)");
        }
    }

    @Test
    void completionScriptsForBashAndZsh() {
        PlanCommandTest.Result bash = PlanCommandTest.run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("kubermesh").contains("substrates").contains("--substrate");
        PlanCommandTest.Result zsh = PlanCommandTest.run("completion", "zsh");
        assertThat(zsh.code()).isZero();
        assertThat(zsh.out()).contains("bashcompinit").contains("kubermesh");
        PlanCommandTest.Result fish = PlanCommandTest.run("completion", "fish");
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.err()).contains("bash").contains("zsh");
    }
}
