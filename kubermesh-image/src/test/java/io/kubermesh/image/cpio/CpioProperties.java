package io.kubermesh.image.cpio;

import io.kubermesh.api.MalformedPacketException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpioProperties {
    record Item(CpioEntry entry, byte[] data) {
    }

    @Property(tries = 200)
    void whatIsWrittenReadsBackMemberForMember(@ForAll("archives") List<Item> items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(out)) {
            for (Item i : items) {
                if (i.data().length == 0 && !i.entry().isRegularFile() && !i.entry().isSymlink()) {
                    w.add(i.entry());
                } else {
                    w.add(i.entry(), i.data());
                }
            }
        }
        assertThat(out.size() % 4).isZero();
        List<CpioReader.Member> back = CpioReader.readAll(new ByteArrayInputStream(out.toByteArray()));
        assertThat(back).hasSize(items.size());
        for (int k = 0; k < items.size(); k++) {
            assertThat(back.get(k).entry()).isEqualTo(items.get(k).entry());
            assertThat(back.get(k).data()).isEqualTo(items.get(k).data());
        }
    }

    @Property(tries = 500)
    void anyBytesReadOrRaiseMalformed(@ForAll byte[] junk) {
        byte[] withMagic = new byte[junk.length + 6];
        System.arraycopy("070701".getBytes(), 0, withMagic, 0, 6);
        System.arraycopy(junk, 0, withMagic, 6, junk.length);
        for (byte[] b : List.of(junk, withMagic)) {
            try {
                CpioReader.readAll(new ByteArrayInputStream(b));
            } catch (MalformedPacketException e) {
                assertThat(e.getMessage()).startsWith("cpio: ");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Provide
    Arbitrary<List<Item>> archives() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', '-', 'é').ofMinLength(1)
                .ofMaxLength(40).filter(s -> !s.startsWith("/") && !s.equals("TRAILER!!!"));
        Arbitrary<Item> files = Combinators.combine(names, Arbitraries.integers().between(0, 07777),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.bytes().array(byte[].class).ofMaxSize(600))
                .as((n, perm, t, data) -> new Item(new CpioEntry(n, CpioEntry.S_IFREG | perm, 0, 0, t, data.length, 0, 0), data));
        Arbitrary<Item> dirs = Combinators.combine(names, Arbitraries.integers().between(0, 07777),
                Arbitraries.integers().between(0, 65534))
                .as((n, perm, uid) -> new Item(new CpioEntry(n, CpioEntry.S_IFDIR | perm, uid, uid, 0, 0, 0, 0), new byte[0]));
        Arbitrary<Item> devices = Combinators.combine(names, Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(0, 1 << 20))
                .as((n, major, minor) -> new Item(new CpioEntry(n, CpioEntry.S_IFCHR | 0666, 0, 0, 0, 0, major, minor), new byte[0]));
        return Arbitraries.oneOf(files, dirs, devices).list().ofMaxSize(12).map(ArrayList::new);
    }
}
