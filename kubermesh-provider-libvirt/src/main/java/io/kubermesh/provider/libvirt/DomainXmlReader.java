package io.kubermesh.provider.libvirt;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Reads what the substrate needs back from a domain's XML as libvirt reports it. */
final class DomainXmlReader {
    private DomainXmlReader() {
    }

    /** Whether the interface with {@code mac} has its link up (libvirt omits the element or says up). */
    static boolean linkUp(String domainXml, MacAddress mac) {
        Element iface = interfaceOf(domainXml, mac);
        NodeList links = iface.getElementsByTagName("link");
        return links.getLength() == 0 || !"down".equals(((Element) links.item(0)).getAttribute("state"));
    }

    /** The libvirt network the interface with {@code mac} is attached to, or "" for another kind. */
    static String network(String domainXml, MacAddress mac) {
        Element iface = interfaceOf(domainXml, mac);
        NodeList sources = iface.getElementsByTagName("source");
        return sources.getLength() == 0 ? "" : ((Element) sources.item(0)).getAttribute("network");
    }

    private static Element interfaceOf(String domainXml, MacAddress mac) {
        NodeList ifaces = parse(domainXml).getElementsByTagName("interface");
        for (int i = 0; i < ifaces.getLength(); i++) {
            Element e = (Element) ifaces.item(i);
            NodeList macs = e.getElementsByTagName("mac");
            if (macs.getLength() > 0 && mac.toString().equalsIgnoreCase(((Element) macs.item(0)).getAttribute("address"))) {
                return e;
            }
        }
        throw new SubstrateException("the domain has no interface with MAC " + mac);
    }

    private static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new SubstrateException("libvirt returned domain XML that does not parse: " + e.getMessage(), e);
        }
    }
}
