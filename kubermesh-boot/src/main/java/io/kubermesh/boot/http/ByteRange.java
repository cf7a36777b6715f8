package io.kubermesh.boot.http;

import java.util.Optional;

/**
 * One byte range of an HTTP {@code Range} header (RFC 9110 section 14), resolved against a
 * representation of {@code size} bytes. Only single ranges are honoured; a list of ranges, or a
 * header that does not parse, is ignored and the whole file is sent (RFC 9110 allows that).
 *
 * @param first first byte, inclusive
 * @param last last byte, inclusive
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }

    /** What a {@code Range} header asks for. */
    public sealed interface Request {
        /** No usable header: send everything with 200. */
        record Whole() implements Request {
        }

        /** A satisfiable single range: 206 with Content-Range. */
        record Partial(ByteRange range) implements Request {
        }

        /** A syntactically valid range that starts past the end: 416 with {@code Content-Range: bytes *}/size. */
        record Unsatisfiable() implements Request {
        }
    }

    /** Interprets a {@code Range} header (possibly null) for a file of {@code size} bytes. */
    public static Request parse(String header, long size) {
        if (header == null) {
            return new Request.Whole();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return new Request.Whole();
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Request.Whole();
        }
        Optional<Long> a = number(spec.substring(0, dash).trim());
        Optional<Long> b = number(spec.substring(dash + 1).trim());
        if (spec.substring(0, dash).isBlank()) {
            // suffix range: the last N bytes
            if (b.isEmpty()) {
                return new Request.Whole();
            }
            if (b.get() == 0 || size == 0) {
                return new Request.Unsatisfiable();
            }
            return new Request.Partial(new ByteRange(Math.max(0, size - b.get()), size - 1));
        }
        if (a.isEmpty() || (!spec.substring(dash + 1).isBlank() && b.isEmpty())) {
            return new Request.Whole();
        }
        long first = a.get();
        if (b.isPresent() && b.get() < first) {
            return new Request.Whole(); // invalid range-spec: ignored (RFC 9110 section 14.1.1)
        }
        if (first >= size) {
            return new Request.Unsatisfiable();
        }
        long last = b.isPresent() ? Math.min(b.get(), size - 1) : size - 1;
        return new Request.Partial(new ByteRange(first, last));
    }

    private static Optional<Long> number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(s));
    }
}
