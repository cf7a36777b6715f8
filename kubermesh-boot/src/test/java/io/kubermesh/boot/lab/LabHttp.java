package io.kubermesh.boot.lab;

import java.util.Map;

/** Starts the HTTP boot server for {@link LabServerMain}. */
final class LabHttp {
    private LabHttp() {
    }

    static AutoCloseable start(Map<String, String> a, String iface) {
        throw new UnsupportedOperationException("HTTP not wired yet");
    }
}
