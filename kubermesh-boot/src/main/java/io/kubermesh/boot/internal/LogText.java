package io.kubermesh.boot.internal;

/**
 * Text from the network made safe for one log line: control characters (C0, DEL, C1, and the
 * Unicode line and paragraph separators) are written as {@code \xNN} or {@code \\uNNNN}, a
 * backslash as {@code \\}, so a client cannot end a line or forge the next one (a TFTP file name,
 * a DHCPv6 user class, an HTTP target with a newline stays on its own line). Long text is cut.
 */
public final class LogText {
    /** The most characters of one value a log line carries. */
    public static final int MAX = 300;

    private LogText() {
    }

    public static String escape(CharSequence text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = null;
        int n = Math.min(text.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029';
            if (control || c == '\\') {
                if (b == null) {
                    b = new StringBuilder(n + 16).append(text, 0, i);
                }
                if (c == '\\') {
                    b.append("\\\\");
                } else if (c < 0x100) {
                    b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                } else {
                    b.append(String.format("\\u%04x", (int) c));
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        String out = b == null ? text.subSequence(0, n).toString() : b.toString();
        return text.length() > MAX ? out + "..." : out;
    }
}
