package io.kubermesh.boot.dhcp6;

/** One-line summaries of what a client asked and what it got, for the exchange log. */
final class ExchangeText {
    private ExchangeText() {
    }

    static String asked(Dhcp6Message m) {
        StringBuilder sb = new StringBuilder(m.type().name()).append(" xid ").append(Integer.toHexString(m.transactionId()));
        for (Dhcp6Option o : m.options()) {
            if (o instanceof Dhcp6Option.IaNa ia) {
                sb.append(" ia_na ").append(ia.iaid()).append(ia.addresses().stream().map(a -> a.address().toString()).toList());
            } else if (o instanceof Dhcp6Option.ClientArch a) {
                sb.append(" arch ").append(a.types());
            } else if (o instanceof Dhcp6Option.VendorClass v) {
                sb.append(" vendor ").append(v.enterprise()).append(v.classes().stream().map(Octets::toText).toList());
            } else if (o instanceof Dhcp6Option.UserClass u) {
                sb.append(" user-class ").append(u.classes().stream().map(Octets::toText).toList());
            } else if (o instanceof Dhcp6Option.OptionRequest r) {
                sb.append(" oro ").append(r.codes());
            } else if (o instanceof Dhcp6Option.RapidCommit) {
                sb.append(" rapid-commit");
            }
        }
        return sb.toString();
    }

    static String got(Dhcp6Message m) {
        StringBuilder sb = new StringBuilder(m.type().name());
        for (Dhcp6Option o : m.options()) {
            if (o instanceof Dhcp6Option.IaNa ia) {
                sb.append(" ia_na ").append(ia.iaid());
                ia.addresses().forEach(a -> sb.append(' ').append(a.address()).append(" valid ").append(a.validLifetime()));
                ia.status().ifPresent(s -> sb.append(' ').append(StatusCode.name(s.status())).append(" (").append(s.message()).append(')'));
            } else if (o instanceof Dhcp6Option.Status s) {
                sb.append(' ').append(StatusCode.name(s.status())).append(" (").append(s.message()).append(')');
            } else if (o instanceof Dhcp6Option.BootfileUrl u) {
                sb.append(" bootfile ").append(u.url());
            } else if (o instanceof Dhcp6Option.VendorClass v) {
                sb.append(" vendor ").append(v.enterprise()).append(v.classes().stream().map(Octets::toText).toList());
            } else if (o instanceof Dhcp6Option.RapidCommit) {
                sb.append(" rapid-commit");
            }
        }
        return sb.toString();
    }
}
