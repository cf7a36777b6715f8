package io.kubermesh.boot.http;

import io.kubermesh.boot.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** One exchange's answer and its log line: client, port, request, status, bytes, what was served. */
final class Reply {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);
    /** Boot secrets travel in query strings; the log never shows them. */
    private static final Pattern SECRET = Pattern.compile("(?i)(secret=)[^&]*");

    private final Exchange ex;
    String port = "";
    int status;
    long bytes;
    String what = "";

    Reply(Exchange ex) {
        this.ex = ex;
    }

    void text(int code, String body, String summary) {
        send(code, "text/plain; charset=utf-8", body, summary);
    }

    void json(int code, String body, String summary) {
        send(code, "application/json", body, summary);
    }

    private void send(int code, String type, String body, String summary) {
        if (ex.answered()) {
            return;
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.responseHeaders.set("Cache-Control", "no-store");
        ex.respond(code, type, b);
        status = code;
        bytes = ex.head() ? 0 : b.length;
        what = summary;
    }

    /** Records a response sent by someone else (asset streaming). */
    void sent(int code, long length, String summary) {
        status = code;
        bytes = length;
        what = summary;
    }

    /** Whether exchanges are logged (else nothing is formatted for the log). */
    static boolean logging() {
        return LOG.isInfoEnabled();
    }

    void log() {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info("HTTP {} -> {} port {}: {} {} -> {} ({} bytes) {}", ex.remote, ex.local, port.isEmpty() ? "none" : port,
                ex.method, LogText.escape(redacted(ex.target)), status, bytes, LogText.escape(what));
    }

    static String redacted(String target) {
        return SECRET.matcher(target).replaceAll("$1<redacted>");
    }
}
