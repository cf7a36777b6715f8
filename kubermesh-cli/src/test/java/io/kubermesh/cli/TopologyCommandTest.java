package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class TopologyCommandTest {
    @Test
    void textListsEveryMachineWithItsCables() {
        PlanCommandTest.Result r = PlanCommandTest.run("topology");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("5 machines, 5 cables");
        assertThat(r.out()).containsPattern("kubermesh1 +cluster0->gateway:0 cluster1->kubermesh2:0 cluster2->kubermesh3:0");
    }

    @Test
    void dotHasOneEdgePerCable() {
        PlanCommandTest.Result r = PlanCommandTest.run("topology", "--format", "dot", "--topology", "grid:3x3");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("graph kubermesh {");
        assertThat(r.out().lines().filter(l -> l.contains(" -- "))).hasSize(12);
    }

    @Test
    void svgIsWellFormedWithABoxPerMachineAndALinePerCable() throws Exception {
        PlanCommandTest.Result r = PlanCommandTest.run("topology", "--format", "svg", "--topology", "ring", "--nodes", "6");
        assertThat(r.code()).isZero();
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(d.getElementsByTagName("line").getLength()).isEqualTo(6);
        assertThat(d.getElementsByTagName("g").getLength()).isEqualTo(6);
    }

    @Test
    void aBadTopologyIsBadInput() {
        PlanCommandTest.Result r = PlanCommandTest.run("topology", "--topology", "grid:0x3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--topology");
    }
}
