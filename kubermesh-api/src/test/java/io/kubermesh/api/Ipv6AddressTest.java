package io.kubermesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6AddressTest {
    @ParameterizedTest
    @CsvSource({
        // RFC 5952 section 4 examples and edges.
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:DB8::AAAA, 2001:db8::aaaa",
        "0:0:0:0:0:0:0:0, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8::a4:a800:2468:ac00, 2001:db8::a4:a800:2468:ac00",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void parsesAndFormatsPerRfc5952(String in, String out) throws Exception {
        Ipv6Address a = Ipv6Address.parse(in);
        assertThat(a).hasToString(out);
        assertThat(a.toBytes()).isEqualTo(InetAddress.getByName(in).getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
            "g::1", "::1/64", "fe80::1%eth0", "1:", ":1", "::1.2.3", "::1.2.3.256", "1.2.3.4"})
    void refusesWhatIsNotAnAddress(String bad) {
        assertThatThrownBy(() -> Ipv6Address.parse("x", bad)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("RFC 4291");
    }

    @Test
    void plusCarriesIntoTheHighHalf() {
        assertThat(new Ipv6Address(0, -1L).plus(1)).isEqualTo(new Ipv6Address(1, 0));
    }

    @Test
    void prefixesRejectHostBitsAndSayWhatWasMeant() {
        assertThatThrownBy(() -> Ipv6Prefix.parse("p", "2001:db8::1/64")).hasMessageContaining("did you mean 2001:db8::/64");
        assertThat(Ipv6Prefix.parse("2001:db8::/71").last()).hasToString("2001:db8::1ff:ffff:ffff:ffff");
        assertThat(Ipv6Prefix.parse("2001:db8::/64").contains(Ipv6Prefix.parse("2001:db8::/71"))).isTrue();
    }

    @Test
    void linkLocalAndMulticast() {
        assertThat(Ipv6Address.parse("fe80::1").isLinkLocal()).isTrue();
        assertThat(Ipv6Address.parse("ff02::1:2").isMulticast()).isTrue();
        assertThat(Ipv6Address.parse("2001:db8::1").isLinkLocal()).isFalse();
    }
}
