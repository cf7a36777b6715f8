package io.kubermesh.boot.dhcp6;

import java.util.List;
import java.util.Optional;

/**
 * A client/server DHCPv6 message (RFC 8415 section 8): type, 24-bit transaction id, options in
 * wire order. Holds no socket address: where it came from is the transport's business.
 */
public record Dhcp6Message(MessageType type, int transactionId, List<Dhcp6Option> options) {
    public Dhcp6Message {
        if (transactionId < 0 || transactionId > 0xFF_FFFF) {
            throw new IllegalArgumentException("a transaction id has 24 bits, got " + transactionId);
        }
        options = List.copyOf(options);
    }

    /** The first option of the given record type. */
    public <T extends Dhcp6Option> Optional<T> option(Class<T> kind) {
        return options.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    /** Every option of the given record type, in order. */
    public <T extends Dhcp6Option> List<T> all(Class<T> kind) {
        return options.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public Optional<Duid> clientId() {
        return option(Dhcp6Option.ClientId.class).map(Dhcp6Option.ClientId::duid);
    }

    public Optional<Duid> serverId() {
        return option(Dhcp6Option.ServerId.class).map(Dhcp6Option.ServerId::duid);
    }

    /** True if the client asked for option {@code code} in its ORO. */
    public boolean requests(int code) {
        return option(Dhcp6Option.OptionRequest.class).map(o -> o.codes().contains(code)).orElse(false);
    }
}
