package io.kubermesh.provider.libvirt.xml;

/** Escaping for the XML this package writes by hand (libvirt's documents are small and flat). */
final class Xml {
    private Xml() {
    }

    /** {@code s} safe inside a single-quoted attribute or as element text. */
    static String esc(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '\'' -> b.append("&apos;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\t') {
                        throw new IllegalArgumentException("control character in an XML value: " + s);
                    }
                    b.append(c);
                }
            }
        }
        return b.toString();
    }
}
