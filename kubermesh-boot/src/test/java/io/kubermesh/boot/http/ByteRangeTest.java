package io.kubermesh.boot.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
    private static ByteRange.Request r(String h) {
        return ByteRange.parse(h, 1000);
    }

    @Test
    void singleRanges() {
        assertThat(r("bytes=0-499")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(0, 499)));
        assertThat(r("bytes=500-")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(500, 999)));
        assertThat(r("bytes=-100")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(900, 999)));
        assertThat(r("bytes=-5000")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(0, 999)));
        assertThat(r("bytes=990-5000")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(990, 999)));
        assertThat(r("BYTES= 1-1")).isEqualTo(new ByteRange.Request.Partial(new ByteRange(1, 1)));
    }

    @Test
    void pastTheEndIsUnsatisfiable() {
        assertThat(r("bytes=1000-")).isInstanceOf(ByteRange.Request.Unsatisfiable.class);
        assertThat(r("bytes=5000-6000")).isInstanceOf(ByteRange.Request.Unsatisfiable.class);
        assertThat(r("bytes=-0")).isInstanceOf(ByteRange.Request.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.Request.Unsatisfiable.class);
    }

    @Test
    void garbageAndMultipleRangesAreIgnored() {
        for (String h : new String[] {null, "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "items=0-1", "bytes=5-1",
            "bytes=0-1,5-6", "bytes=99999999999999999999-", "bytes=1-x"}) {
            assertThat(r(h)).as(String.valueOf(h)).isInstanceOf(ByteRange.Request.Whole.class);
        }
    }
}
