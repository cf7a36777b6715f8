package io.kubermesh.provider.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** Whatever a name or path holds, the XML stays well-formed and says exactly that value. */
class DomainXmlProperties {
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abc/-_.'\"&<>; é")
                .withCharRange('\u00a0', '\u00ff').ofMinLength(1).ofMaxLength(40);
    }

    @Property(tries = 300)
    void valuesSurviveAnXmlParser(@ForAll("text") String description, @ForAll("text") String file) throws Exception {
        DomainSpec s = Specimens.netboot();
        Path disk = Path.of("/" + file);
        DomainSpec d = new DomainSpec(s.name(), description, s.kvm(), s.memoryMiB(), s.vcpus(), s.firmware(),
                s.nvramTemplate(), s.nvram(), disk, Optional.of(disk), s.ports(), s.consoleLog(), s.agentSocket(),
                s.ipv4Pxe(), s.ipv6Pxe(), s.retryDrive());
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(DomainXml.render(d)))).getDocumentElement();
        assertThat(root.getElementsByTagName("description").item(0).getTextContent()).isEqualTo(description);
        Element source = (Element) root.getElementsByTagName("source").item(1);
        assertThat(source.getAttribute("file")).isEqualTo(disk.toString());
        assertThat(root.getElementsByTagName("boot").getLength()).isEqualTo(3 + d.ports().size()); // USB image, disk, ports, retry drive
    }
}
