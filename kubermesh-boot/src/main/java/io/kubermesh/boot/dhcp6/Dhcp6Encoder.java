package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.KubermeshException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The encoding half of {@link Dhcp6Codec}: sizes first, then one big-endian buffer of exactly that size. */
final class Dhcp6Encoder {
    private Dhcp6Encoder() {
    }

    /** Encodes {@code message} into a new big-endian buffer, flipped for reading. */
    static ByteBuffer encode(Dhcp6Message message) {
        ByteBuffer b = ByteBuffer.allocate(4 + size(message.options())).order(ByteOrder.BIG_ENDIAN);
        b.putInt((message.type().code() << 24) | message.transactionId());
        write(b, message.options());
        return b.flip();
    }

    private static int size(List<Dhcp6Option> options) {
        int total = 0;
        for (Dhcp6Option o : options) {
            total += 4 + bodySize(o);
        }
        return total;
    }

    private static int bodySize(Dhcp6Option o) {
        int size;
        if (o instanceof Dhcp6Option.ClientId c) {
            size = duidSize(c.duid());
        } else if (o instanceof Dhcp6Option.ServerId s) {
            size = duidSize(s.duid());
        } else if (o instanceof Dhcp6Option.IaNa ia) {
            size = 12 + size(ia.options());
        } else if (o instanceof Dhcp6Option.IaAddress a) {
            size = 24 + size(a.options());
        } else if (o instanceof Dhcp6Option.OptionRequest r) {
            size = 2 * r.codes().size();
        } else if (o instanceof Dhcp6Option.Preference) {
            size = 1;
        } else if (o instanceof Dhcp6Option.ElapsedTime) {
            size = 2;
        } else if (o instanceof Dhcp6Option.Status s) {
            size = 2 + s.message().getBytes(StandardCharsets.UTF_8).length;
        } else if (o instanceof Dhcp6Option.RapidCommit) {
            size = 0;
        } else if (o instanceof Dhcp6Option.UserClass u) {
            size = itemsSize(u.classes());
        } else if (o instanceof Dhcp6Option.VendorClass v) {
            size = 4 + itemsSize(v.classes());
        } else if (o instanceof Dhcp6Option.DnsServers d) {
            size = 16 * d.servers().size();
        } else if (o instanceof Dhcp6Option.BootfileUrl u) {
            size = u.url().getBytes(StandardCharsets.UTF_8).length;
        } else if (o instanceof Dhcp6Option.BootfileParams p) {
            size = itemsSize(p.parameters());
        } else if (o instanceof Dhcp6Option.ClientArch a) {
            size = 2 * a.types().size();
        } else {
            size = ((Dhcp6Option.Raw) o).data().length();
        }
        if (size > 0xFFFF) {
            throw new KubermeshException("option " + o.code() + " of " + size + " octets does not fit its 16-bit length");
        }
        return size;
    }

    private static int itemsSize(List<Octets> items) {
        return items.stream().mapToInt(i -> 2 + i.length()).sum();
    }

    private static int duidSize(Duid d) {
        if (d instanceof Duid.LinkLayerTime llt) {
            return 8 + llt.linkLayerAddress().length();
        } else if (d instanceof Duid.Enterprise en) {
            return 6 + en.identifier().length();
        } else if (d instanceof Duid.LinkLayer ll) {
            return 4 + ll.linkLayerAddress().length();
        } else if (d instanceof Duid.Uuid) {
            return 18;
        }
        return 2 + ((Duid.Other) d).data().length();
    }

    private static void write(ByteBuffer b, List<Dhcp6Option> options) {
        for (Dhcp6Option o : options) {
            b.putShort((short) o.code());
            b.putShort((short) bodySize(o));
            writeBody(b, o);
        }
    }

    private static void writeBody(ByteBuffer b, Dhcp6Option o) {
        if (o instanceof Dhcp6Option.ClientId c) {
            writeDuid(b, c.duid());
        } else if (o instanceof Dhcp6Option.ServerId s) {
            writeDuid(b, s.duid());
        } else if (o instanceof Dhcp6Option.IaNa ia) {
            b.putInt((int) ia.iaid()).putInt((int) ia.t1()).putInt((int) ia.t2());
            write(b, ia.options());
        } else if (o instanceof Dhcp6Option.IaAddress a) {
            b.putLong(a.address().high()).putLong(a.address().low());
            b.putInt((int) a.preferredLifetime()).putInt((int) a.validLifetime());
            write(b, a.options());
        } else if (o instanceof Dhcp6Option.OptionRequest r) {
            r.codes().forEach(c -> b.putShort(c.shortValue()));
        } else if (o instanceof Dhcp6Option.Preference p) {
            b.put((byte) p.value());
        } else if (o instanceof Dhcp6Option.ElapsedTime e) {
            b.putShort((short) e.hundredths());
        } else if (o instanceof Dhcp6Option.Status s) {
            b.putShort((short) s.status()).put(s.message().getBytes(StandardCharsets.UTF_8));
        } else if (o instanceof Dhcp6Option.RapidCommit) {
            return;
        } else if (o instanceof Dhcp6Option.UserClass u) {
            writeItems(b, u.classes());
        } else if (o instanceof Dhcp6Option.VendorClass v) {
            b.putInt((int) v.enterprise());
            writeItems(b, v.classes());
        } else if (o instanceof Dhcp6Option.DnsServers d) {
            d.servers().forEach(a -> b.putLong(a.high()).putLong(a.low()));
        } else if (o instanceof Dhcp6Option.BootfileUrl u) {
            b.put(u.url().getBytes(StandardCharsets.UTF_8));
        } else if (o instanceof Dhcp6Option.BootfileParams p) {
            writeItems(b, p.parameters());
        } else if (o instanceof Dhcp6Option.ClientArch a) {
            a.types().forEach(t -> b.putShort(t.shortValue()));
        } else {
            ((Dhcp6Option.Raw) o).data().writeTo(b);
        }
    }

    private static void writeItems(ByteBuffer b, List<Octets> items) {
        for (Octets i : items) {
            b.putShort((short) i.length());
            i.writeTo(b);
        }
    }

    private static void writeDuid(ByteBuffer b, Duid d) {
        b.putShort((short) d.type());
        if (d instanceof Duid.LinkLayerTime llt) {
            b.putShort((short) llt.hardwareType()).putInt((int) llt.time());
            llt.linkLayerAddress().writeTo(b);
        } else if (d instanceof Duid.Enterprise en) {
            b.putInt((int) en.enterprise());
            en.identifier().writeTo(b);
        } else if (d instanceof Duid.LinkLayer ll) {
            b.putShort((short) ll.hardwareType());
            ll.linkLayerAddress().writeTo(b);
        } else if (d instanceof Duid.Uuid u) {
            u.uuid().writeTo(b);
        } else {
            ((Duid.Other) d).data().writeTo(b);
        }
    }
}
