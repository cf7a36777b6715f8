package io.kubermesh.provider.baremetal.ipmi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The ipmitool-against-ipmi_sim capture in the test resources: datagrams in order, with direction. */
record Capture(List<Datagram> datagrams) {
    record Datagram(boolean toBmc, byte[] bytes) {
    }

    static Capture load(String resource) {
        try (InputStream in = Capture.class.getResourceAsStream(resource)) {
            List<Datagram> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith(">") || line.startsWith("<")) {
                    out.add(new Datagram(line.startsWith(">"), HexFormat.of().parseHex(line.substring(2).trim())));
                }
            }
            return new Capture(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The datagrams of the n-th session (0-based): each starts with Get Channel Authentication Capabilities. */
    List<Datagram> session(int n) {
        List<List<Datagram>> sessions = new ArrayList<>();
        for (Datagram d : datagrams) {
            if (d.toBmc && d.bytes[4] == 0x00) {
                sessions.add(new ArrayList<>());
            }
            sessions.get(sessions.size() - 1).add(d);
        }
        return sessions.get(n);
    }
}
