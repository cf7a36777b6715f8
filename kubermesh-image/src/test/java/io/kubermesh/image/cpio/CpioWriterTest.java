package io.kubermesh.image.cpio;

import io.kubermesh.api.MalformedPacketException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpioWriterTest {
    /** A directory, a 3-octet file and a link, as GNU cpio -H newc lays them out (with our inode and nlink choices). */
    static byte[] golden() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(out)) {
            w.add(CpioEntry.directory("etc", 0755, 1767225600L));
            w.add(CpioEntry.file("etc/a", 0600, 1767225600L, 3), "hi\n".getBytes(StandardCharsets.US_ASCII));
            w.addSymlink("init", "/lib/systemd/systemd", 1767225600L);
        }
        return out.toByteArray();
    }

    @Test
    void headersAreAsciiHexFieldsAndEveryPartIsFourOctetAligned() throws IOException {
        String s = new String(golden(), StandardCharsets.ISO_8859_1);
        // member 1: "etc", directory 040755, nlink 2, name size 4 (with NUL): 110 + 4 = 114 -> padded to 116
        assertThat(s.substring(0, 110)).isEqualTo("070701" + "00000001" + "000041ED" + "00000000" + "00000000" + "00000002"
                + "6955B900" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000004" + "00000000");
        assertThat(s.substring(110, 116)).isEqualTo("etc\0\0\0");
        // member 2 at 116: "etc/a", regular 0100600, size 3, name size 6: 116 + 110 + 6 = 232 (aligned), data 3 + 1 pad
        assertThat(s.substring(116, 116 + 110)).isEqualTo("070701" + "00000002" + "00008180" + "00000000" + "00000000"
                + "00000001" + "6955B900" + "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000006" + "00000000");
        assertThat(s.substring(226, 232)).isEqualTo("etc/a\0");
        assertThat(s.substring(232, 236)).isEqualTo("hi\n\0");
        // member 3 at 236: link 0120777, data is the target (20 octets), name "init" (5): 236+110+5 = 351 -> 352
        assertThat(s.substring(236 + 14, 236 + 22)).isEqualTo("0000A1FF");
        assertThat(s.substring(236 + 54, 236 + 62)).isEqualTo("00000014");
        assertThat(s.substring(352, 372)).isEqualTo("/lib/systemd/systemd");
        // trailer at 372: inode 0, mode 0, nlink 1, name "TRAILER!!!" (11): 372 + 110 + 11 = 493 -> 496
        assertThat(s.substring(372, 378 + 16)).isEqualTo("070701" + "00000000" + "00000000");
        assertThat(s.substring(482, 496)).isEqualTo("TRAILER!!!\0\0\0\0".substring(0, 14));
        assertThat(s).hasSize(496);
    }

    @Test
    void readsBackWhatWasWritten() throws IOException {
        List<CpioReader.Member> all = CpioReader.readAll(new ByteArrayInputStream(golden()));
        assertThat(all).extracting(m -> m.entry().name()).containsExactly("etc", "etc/a", "init");
        assertThat(all.get(1).entry().permissions()).isEqualTo(0600);
        assertThat(all.get(1).text()).isEqualTo("hi\n");
        assertThat(all.get(2).entry().isSymlink()).isTrue();
        assertThat(all.get(2).text()).isEqualTo("/lib/systemd/systemd");
    }

    @Test
    void readsConcatenatedArchivesWithPaddingBetweenThem() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(golden());
        both.write(new byte[512]);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(second)) {
            w.add(CpioEntry.file("etc/a", 0644, 0, 4), "new\n".getBytes(StandardCharsets.US_ASCII));
        }
        both.write(second.toByteArray());
        List<CpioReader.Member> all = CpioReader.readAll(new ByteArrayInputStream(both.toByteArray()));
        assertThat(all).extracting(m -> m.entry().name()).containsExactly("etc", "etc/a", "init", "etc/a");
        assertThat(all.get(3).text()).isEqualTo("new\n");
    }

    @Test
    void malformedArchivesAreRefusedWithAReason() throws IOException {
        byte[] g = golden();
        assertThatThrownBy(() -> read(java.util.Arrays.copyOf(g, 200))).isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("truncated");
        byte[] magic = g.clone();
        magic[5] = '2';
        assertThatThrownBy(() -> read(magic)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("bad magic");
        byte[] hex = g.clone();
        hex[6] = 'Z';
        assertThatThrownBy(() -> read(hex)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("not hexadecimal");
        byte[] noNul = g.clone();
        noNul[113] = 'x';
        assertThatThrownBy(() -> read(noNul)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("NUL");
        byte[] hugeName = g.clone();
        System.arraycopy("FFFFFFFF".getBytes(StandardCharsets.US_ASCII), 0, hugeName, 94, 8);
        assertThatThrownBy(() -> read(hugeName)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("name size");
    }

    @Test
    void refusesMembersItCannotWriteFaithfully() {
        assertThatThrownBy(() -> CpioEntry.file("/etc/a", 0644, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpioEntry("fifo", 0010644, 0, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpioEntry("d", CpioEntry.S_IFDIR | 0755, 0, 0, 0, 5, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpioWriter(new ByteArrayOutputStream()).add(CpioEntry.file("a", 0644, 0, 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void read(byte[] b) throws IOException {
        CpioReader.readAll(new ByteArrayInputStream(b));
    }
}
