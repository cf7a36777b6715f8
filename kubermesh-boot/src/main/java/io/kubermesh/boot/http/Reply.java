package io.kubermesh.boot.http;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One exchange's answer and its log line: client, port, request, status, bytes, what was served. */
final class Reply {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);

    private final HttpExchange ex;
    String port = "unknown";
    int status;
    long bytes;
    String what = "";
    private boolean sent;

    Reply(HttpExchange ex) {
        this.ex = ex;
    }

    void text(int code, String body, String summary) {
        send(code, "text/plain; charset=utf-8", body, summary);
    }

    void json(int code, String body, String summary) {
        send(code, "application/json", body, summary);
    }

    private void send(int code, String type, String body, String summary) {
        if (sent) {
            return;
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        try {
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(code, head ? -1 : b.length == 0 ? -1 : b.length);
            sent = true;
            if (!head) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
                bytes = b.length;
            }
        } catch (IOException e) {
            what = summary + " (client went away: " + e.getMessage() + ")";
            status = code;
            return;
        }
        status = code;
        what = summary;
    }

    /** Records a response sent by someone else (asset streaming). */
    void sent(int code, long length, String summary) {
        sent = true;
        status = code;
        bytes = length;
        what = summary;
    }

    void aborted(String why) {
        what = what + " aborted: " + why;
    }

    void log() {
        LOG.info("HTTP {} -> {} port {}: {} {} -> {} ({} bytes) {}", ex.getRemoteAddress(), ex.getLocalAddress(), port,
                ex.getRequestMethod(), printable(ex.getRequestURI().toString()), status, bytes, what);
    }

    private static String printable(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
