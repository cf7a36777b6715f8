package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.Ipv6Address;
import java.util.List;
import java.util.Optional;

/**
 * A DHCPv6 option (RFC 8415 section 21; 23 from RFC 3646; 59, 60, 61 from RFC 5970). Every code
 * this server does not type decodes to {@link Raw} and re-encodes byte for byte.
 */
public sealed interface Dhcp6Option {
    /** The option code on the wire. */
    int code();

    /** Option 1: the client's DUID. */
    record ClientId(Duid duid) implements Dhcp6Option {
        @Override
        public int code() {
            return OptionCode.CLIENTID;
        }
    }

    /** Option 2: the server's DUID. */
    record ServerId(Duid duid) implements Dhcp6Option {
        @Override
        public int code() {
            return OptionCode.SERVERID;
        }
    }

    /** Option 3: an identity association for non-temporary addresses, with nested options (5, 13, ...). */
    record IaNa(long iaid, long t1, long t2, List<Dhcp6Option> options) implements Dhcp6Option {
        public IaNa {
            checkUnsigned("IA_NA IAID", iaid, 0xFFFF_FFFFL);
            checkUnsigned("IA_NA T1", t1, 0xFFFF_FFFFL);
            checkUnsigned("IA_NA T2", t2, 0xFFFF_FFFFL);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return OptionCode.IA_NA;
        }

        public List<IaAddress> addresses() {
            return options.stream().filter(IaAddress.class::isInstance).map(IaAddress.class::cast).toList();
        }

        public Optional<Status> status() {
            return options.stream().filter(Status.class::isInstance).map(Status.class::cast).findFirst();
        }
    }

    /** Option 5: an address in an IA_NA with its lifetimes in seconds. */
    record IaAddress(Ipv6Address address, long preferredLifetime, long validLifetime, List<Dhcp6Option> options)
            implements Dhcp6Option {
        public IaAddress {
            checkUnsigned("IAADDR preferred lifetime", preferredLifetime, 0xFFFF_FFFFL);
            checkUnsigned("IAADDR valid lifetime", validLifetime, 0xFFFF_FFFFL);
            options = List.copyOf(options);
        }

        @Override
        public int code() {
            return OptionCode.IAADDR;
        }
    }

    /** Option 6: the option codes the client asks for. */
    record OptionRequest(List<Integer> codes) implements Dhcp6Option {
        public OptionRequest {
            codes = List.copyOf(codes);
            codes.forEach(c -> checkUnsigned("ORO code", c, 0xFFFF));
        }

        @Override
        public int code() {
            return OptionCode.ORO;
        }
    }

    /** Option 7: server preference, 0..255. */
    record Preference(int value) implements Dhcp6Option {
        public Preference {
            checkUnsigned("preference", value, 0xFF);
        }

        @Override
        public int code() {
            return OptionCode.PREFERENCE;
        }
    }

    /** Option 8: time since the client began this exchange, in hundredths of a second. */
    record ElapsedTime(int hundredths) implements Dhcp6Option {
        public ElapsedTime {
            checkUnsigned("elapsed time", hundredths, 0xFFFF);
        }

        @Override
        public int code() {
            return OptionCode.ELAPSED_TIME;
        }
    }

    /** Option 13: a status code with a UTF-8 message. */
    record Status(int status, String message) implements Dhcp6Option {
        public Status {
            checkUnsigned("status code", status, 0xFFFF);
        }

        @Override
        public int code() {
            return OptionCode.STATUS_CODE;
        }
    }

    /** Option 14: rapid commit (empty). */
    record RapidCommit() implements Dhcp6Option {
        @Override
        public int code() {
            return OptionCode.RAPID_COMMIT;
        }
    }

    /** Option 15: user class data items, each length-prefixed on the wire ("iPXE" from iPXE). */
    record UserClass(List<Octets> classes) implements Dhcp6Option {
        public UserClass {
            classes = List.copyOf(classes);
            classes.forEach(c -> checkUnsigned("user class length", c.length(), 0xFFFF));
        }

        @Override
        public int code() {
            return OptionCode.USER_CLASS;
        }
    }

    /** Option 16: vendor class: an enterprise number and length-prefixed data items. */
    record VendorClass(long enterprise, List<Octets> classes) implements Dhcp6Option {
        public VendorClass {
            checkUnsigned("vendor class enterprise", enterprise, 0xFFFF_FFFFL);
            classes = List.copyOf(classes);
            classes.forEach(c -> checkUnsigned("vendor class length", c.length(), 0xFFFF));
        }

        @Override
        public int code() {
            return OptionCode.VENDOR_CLASS;
        }
    }

    /** Option 23: recursive DNS servers. */
    record DnsServers(List<Ipv6Address> servers) implements Dhcp6Option {
        public DnsServers {
            servers = List.copyOf(servers);
        }

        @Override
        public int code() {
            return OptionCode.DNS_SERVERS;
        }
    }

    /** Option 59: the boot file URL, UTF-8 with no terminator. */
    record BootfileUrl(String url) implements Dhcp6Option {
        @Override
        public int code() {
            return OptionCode.BOOTFILE_URL;
        }
    }

    /** Option 60: boot file parameters, each length-prefixed. */
    record BootfileParams(List<Octets> parameters) implements Dhcp6Option {
        public BootfileParams {
            parameters = List.copyOf(parameters);
            parameters.forEach(c -> checkUnsigned("bootfile parameter length", c.length(), 0xFFFF));
        }

        @Override
        public int code() {
            return OptionCode.BOOTFILE_PARAM;
        }
    }

    /** Option 61: client system architecture types (RFC 4578 / IANA registry: 0 BIOS, 7 x64 UEFI, ...). */
    record ClientArch(List<Integer> types) implements Dhcp6Option {
        public ClientArch {
            types = List.copyOf(types);
            types.forEach(c -> checkUnsigned("architecture type", c, 0xFFFF));
        }

        @Override
        public int code() {
            return OptionCode.CLIENT_ARCH_TYPE;
        }
    }

    /** Any option code this codec does not type, kept byte for byte. */
    record Raw(int code, Octets data) implements Dhcp6Option {
        public Raw {
            checkUnsigned("option code", code, 0xFFFF);
            checkUnsigned("option length", data.length(), 0xFFFF);
        }
    }

    static void checkUnsigned(String what, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " must be 0.." + max + ", got " + value);
        }
    }
}
