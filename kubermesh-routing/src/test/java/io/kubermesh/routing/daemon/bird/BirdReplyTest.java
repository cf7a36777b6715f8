package io.kubermesh.routing.daemon.bird;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.daemon.Fixtures;
import org.junit.jupiter.api.Test;

class BirdReplyTest {
    @Test
    void decodesTheGreeting() {
        BirdReply r = BirdReply.decode("0001 BIRD 2.0.12 ready.\n");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.lines()).containsExactly(new BirdReply.Line(1, "BIRD 2.0.12 ready."));
        assertThat(r.isError()).isFalse();
    }

    @Test
    void continuationLinesTakeThePreviousCode() {
        BirdReply r = BirdReply.decode(Fixtures.resource("bird/show-ospf-neighbors-interior-grid.txt"));
        assertThat(r.code()).isZero();
        assertThat(r.lines().get(0)).isEqualTo(new BirdReply.Line(1013, "kmospf:"));
        assertThat(r.texts(1013)).hasSize(6);
        assertThat(r.texts(1013).get(2)).startsWith("0.107.0.2 ").contains("Full/PtP").endsWith("fe80::e8f6:97ff:fe47:a3f8");
        assertThat(r.lines().get(r.lines().size() - 1)).isEqualTo(new BirdReply.Line(0, ""));
    }

    @Test
    void codesChangeMidReply() {
        BirdReply r = BirdReply.decode(Fixtures.resource("bird/show-route-all-interior-grid.txt"));
        assertThat(r.texts(1008)).allMatch(t -> t.startsWith("\tType: "));
        assertThat(r.texts(1012)).anyMatch(t -> t.startsWith("\tOSPF.metric1: "));
        assertThat(r.texts(1007).get(0)).isEqualTo("Table master6:");
    }

    @Test
    void errorCodesAreErrors() {
        BirdReply r = BirdReply.decode(Fixtures.resource("bird/error-parse.txt"));
        assertThat(r.code()).isEqualTo(9001);
        assertThat(r.isError()).isTrue();
        assertThat(r.lines().get(0).text()).startsWith("syntax error");
    }

    @Test
    void theDecoderKeepsStateAcrossReplies() {
        BirdReply.Decoder d = new BirdReply.Decoder();
        assertThat(d.offer("1000-BIRD 2.0.12")).isNull();
        assertThat(d.offer(" more")).isNull();
        BirdReply first = d.offer("0013 Daemon is up and running");
        assertThat(first.lines()).containsExactly(new BirdReply.Line(1000, "BIRD 2.0.12"), new BirdReply.Line(1000, "more"),
                new BirdReply.Line(13, "Daemon is up and running"));
        assertThat(d.offer("0003 Reconfigured").lines()).containsExactly(new BirdReply.Line(3, "Reconfigured"));
    }

    @Test
    void asynchronousNoticesAreSkipped() {
        assertThat(BirdReply.decode("+ something happened\n0000 \n").lines()).containsExactly(new BirdReply.Line(0, ""));
    }

    @Test
    void malformedReplies() {
        assertThatThrownBy(() -> BirdReply.decode(" orphan continuation\n0000 \n")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> BirdReply.decode("12a4 x\n")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> BirdReply.decode("1234x\n")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> BirdReply.decode("123\n")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> BirdReply.decode("1007-no end\n")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> BirdReply.decode("")).isInstanceOf(MalformedPacketException.class);
    }
}
