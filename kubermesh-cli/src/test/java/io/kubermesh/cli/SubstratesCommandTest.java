package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Providers found by name through ServiceLoader: the CLI knows none by name or type. */
class SubstratesCommandTest {
    @TempDir
    Path tmp;

    @Test
    void substratesListsTheProvidersOnTheClassPathWithTheirDescription() {
        PlanCommandTest.Result r = PlanCommandTest.run("substrates");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("SUBSTRATE").contains("RUNS").containsPattern("(?m)^netns +(yes|no) +machines are network namespaces")
                .containsPattern("(?m)^libvirt +(yes|no) +machines are VMs")
                .containsPattern("(?m)^baremetal +(yes|no) +real machines of a site inventory")
                .contains("3 providers found on the class path");
    }

    @Test
    void anUnknownSubstrateIsBadInputListingEveryProviderFound() {
        PlanCommandTest.Result r = PlanCommandTest.run("up", "--substrate", "nosuch", "--lab", tmp.resolve("lab").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--substrate").contains("nosuch").contains("netns");
        assertThat(tmp.resolve("lab")).doesNotExist();
    }

    @Test
    void aSiteIsItsOwnTopologySoTopologyAndNodesAreRefusedBeforeAnythingIsMade() {
        for (String[] extra : new String[][] {{"--topology", "ring"}, {"--nodes", "5"}}) {
            PlanCommandTest.Result r = PlanCommandTest.run("up", "--substrate", "baremetal", "--site", tmp.resolve("site.yaml").toString(),
                    extra[0], extra[1], "--lab", tmp.resolve("lab").toString());
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(extra[0]).contains(extra[1]).contains("the site inventory's machines and cables are the topology");
            assertThat(tmp.resolve("lab")).doesNotExist();
        }
    }

    @Test
    void aSettleTimeOutsideOneSecondToAnHourIsBadInputBeforeAnythingIsMade() {
        for (String settle : List.of("0", "-5", "3601")) {
            PlanCommandTest.Result r = PlanCommandTest.run("up", "--settle", settle, "--lab", tmp.resolve("lab").toString());
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--settle").contains(settle).contains("1..3600 seconds");
            assertThat(tmp.resolve("lab")).doesNotExist();
        }
        PlanCommandTest.Result words = PlanCommandTest.run("up", "--settle", "long", "--lab", tmp.resolve("lab").toString());
        assertThat(words.code()).isEqualTo(2);
        assertThat(words.err()).contains("--settle").contains("long");
    }

    @Test
    void aPluginDirectoryThatIsNotOneIsBadInput() {
        PlanCommandTest.Result r = PlanCommandTest.run("substrates", "--plugins", tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--plugins").contains("a directory of plug-in jars");
        PlanCommandTest.Result empty = PlanCommandTest.run("substrates", "--plugins", tmp.toString());
        assertThat(empty.code()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("3 providers found on the class path and in " + tmp);
    }

    @Test
    void statusOfNoLabSaysSoAndFails() {
        PlanCommandTest.Result r = PlanCommandTest.run("status", "--lab", tmp.resolve("lab").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no lab is up in " + tmp.resolve("lab")).contains("kubermesh up");
    }
}
