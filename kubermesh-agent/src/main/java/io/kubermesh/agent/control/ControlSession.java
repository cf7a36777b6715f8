package io.kubermesh.agent.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One conversation of the control protocol over a byte stream (a Unix socket connection, the
 * virtio-serial port): request lines in, answer lines out, until the other end closes. A line
 * longer than {@link AgentControl#MAX_LINE} is answered with an error and skipped to its LF.
 */
public final class ControlSession {
    private ControlSession() {
    }

    /** Serves requests from {@code in} until it ends; an I/O failure ends the session by throwing. */
    public static void serve(InputStream in, OutputStream out, AgentControl control) throws IOException {
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            String answer = line.length() > AgentControl.MAX_LINE
                    ? "{\"error\":\"a request is at most " + AgentControl.MAX_LINE + " bytes\"}"
                    : control.answer(line);
            out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /**
     * The next line without its LF, at most {@code MAX_LINE + 1} characters kept (the rest is
     * read and dropped); null at the end of the stream with nothing read.
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean any = false;
        int b;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() <= AgentControl.MAX_LINE) {
                line.write(b);
            }
        }
        return any ? line.toString(StandardCharsets.UTF_8) : null;
    }
}
