package io.kubermesh.routing.daemon.bird;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.MalformedPacketException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BirdReplyProperties {
    @Property
    void anyTextDecodesOrThrowsMalformed(@ForAll String text) {
        try {
            BirdReply r = BirdReply.decode(text);
            assertThat(r.lines()).isNotEmpty();
        } catch (MalformedPacketException expected) {
            // the only failure allowed
        }
    }

    @Property
    void anyTextReadsAsRoutesAndNeighboursOrThrowsMalformed(@ForAll("routeish") List<String> lines) {
        BirdReply r = new BirdReply(0, lines.stream().map(l -> new BirdReply.Line(BirdReadback.ROUTE, l)).toList());
        try {
            BirdReadback.routes(r);
        } catch (MalformedPacketException expected) {
            // the only failure allowed
        }
        BirdReadback.neighbours(new BirdReply(0, lines.stream()
                .map(l -> new BirdReply.Line(BirdReadback.OSPF_NEIGHBOURS, l)).toList()));
    }

    @Provide
    Arbitrary<List<String>> routeish() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("2001:db8::/64 unicast [kmospf 08:00:00] * I (150/20) [1.2.3.4]", "\tvia fe80::1 on cluster0",
                        "\tvia zz on cluster0", "\tdev cluster1", "   unicast [x] I", "Table master6:", "not-a-prefix unicast [x]",
                        "1.2.3.4 1 Full/PtP 3.9 cluster0 fe80::1"));
        return line.list().ofMaxSize(8);
    }

    @Property
    void encodedLinesDecodeToTheSameLines(@ForAll("lines") List<String> texts) {
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            boolean last = i == texts.size() - 1;
            wire.append(last ? "0000 " : "1007-").append(texts.get(i)).append('\n');
        }
        BirdReply r = BirdReply.decode(wire.toString());
        assertThat(r.lines().stream().map(BirdReply.Line::text).toList()).isEqualTo(texts);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30).list().ofMinSize(1).ofMaxSize(10);
    }
}
