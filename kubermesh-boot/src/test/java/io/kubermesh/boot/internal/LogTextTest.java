package io.kubermesh.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void controlCharactersAndBackslashesAreEscaped() {
        assertThat(LogText.escape("evil\nFAKE LINE")).isEqualTo("evil\\x0aFAKE LINE");
        assertThat(LogText.escape("a\rb\tc\u001b[31m\u007f\u0085")).isEqualTo("a\\x0db\\x09c\\x1b[31m\\x7f\\x85");
        assertThat(LogText.escape("x\u2028y\u2029")).isEqualTo("x\\u2028y\\u2029");
        assertThat(LogText.escape("C:\\x0a")).as("a forged escape stays visible").isEqualTo("C:\\\\x0a");
        assertThat(LogText.escape("snponly.efi")).isEqualTo("snponly.efi");
        assertThat(LogText.escape(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCut() {
        assertThat(LogText.escape("a".repeat(1000))).hasSize(LogText.MAX + 3).endsWith("...");
    }

    @Property
    void anEscapedTextIsOneLineWithoutControlCharacters(@ForAll String s) {
        String e = LogText.escape(s);
        assertThat(e.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029))
                .as(e).isTrue();
    }
}
