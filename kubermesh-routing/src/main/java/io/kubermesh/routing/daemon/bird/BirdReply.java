package io.kubermesh.routing.daemon.bird;

import io.kubermesh.api.MalformedPacketException;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply on BIRD's control socket: numbered lines ending with a line whose code is followed by
 * a space. On the wire a line is {@code DDDD-text} (more follows, new code), {@code DDDD text}
 * (the last line) or {@code " text"} (more text under the previous code); codes 0xxx report
 * completion, 1xxx carry table data, 2xxx table headings, 8xxx and 9xxx errors.
 *
 * @param code the code of the last line (0000 for a plain "done")
 * @param lines every line with its code, continuation lines carrying their predecessor's code
 */
public record BirdReply(int code, List<Line> lines) {
    /** One line of text under its reply code. */
    public record Line(int code, String text) {
    }

    public BirdReply {
        lines = List.copyOf(lines);
    }

    /** True for the 8xxx (run-time) and 9xxx (parse) error codes. */
    public boolean isError() {
        return code >= 8000;
    }

    /** The text of every line with {@code wanted} code. */
    public List<String> texts(int wanted) {
        return lines.stream().filter(l -> l.code() == wanted).map(Line::text).toList();
    }

    /** Accumulates lines until a reply is complete. Not thread-safe: one per connection. */
    public static final class Decoder {
        private final List<Line> lines = new ArrayList<>();
        private int lastCode = -1;

        /**
         * Takes one line without its newline; returns the reply when this line ended it, else null.
         * A line that fits none of the three forms is a {@link MalformedPacketException}.
         */
        public BirdReply offer(String line) {
            if (line.startsWith(" ")) {
                if (lastCode < 0) {
                    throw new MalformedPacketException("BIRD reply starts with a continuation line: " + line);
                }
                lines.add(new Line(lastCode, line.substring(1)));
                return null;
            }
            if (line.startsWith("+")) {
                // Asynchronous notice, not part of the reply being read.
                return null;
            }
            if (line.length() < 5 || !isCode(line) || (line.charAt(4) != '-' && line.charAt(4) != ' ')) {
                throw new MalformedPacketException("BIRD reply line is not 'DDDD-text', 'DDDD text' or ' text': " + line);
            }
            int code = Integer.parseInt(line.substring(0, 4));
            lines.add(new Line(code, line.substring(5)));
            lastCode = code;
            if (line.charAt(4) == ' ') {
                BirdReply reply = new BirdReply(code, lines);
                lines.clear();
                lastCode = -1;
                return reply;
            }
            return null;
        }

        private static boolean isCode(String line) {
            for (int i = 0; i < 4; i++) {
                if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }
    }

    /** Decodes a whole reply; text that does not end a reply is a {@link MalformedPacketException}. */
    public static BirdReply decode(String text) {
        Decoder d = new Decoder();
        String[] split = text.split("\n", -1);
        for (int i = 0; i < split.length; i++) {
            if (i == split.length - 1 && split[i].isEmpty()) {
                break;
            }
            BirdReply r = d.offer(split[i]);
            if (r != null) {
                return r;
            }
        }
        throw new MalformedPacketException("BIRD reply ends without a final 'DDDD text' line");
    }
}
