package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseTest {
    private static Lease of(String client) {
        return new Lease(0, client, Ipv6Address.parse("2001:db8::a4:a800:2:21"), 1, Instant.EPOCH, "0003000152540000bb01");
    }

    @Test
    void aClientKnownByItsMacNamesIt() {
        assertThat(of("mac-52:54:00:00:bb:01").clientMac()).contains(MacAddress.parse("52:54:00:00:bb:01"));
    }

    @Test
    void aDuidOnlyClientADeclinedAddressAndAMangledKeyNameNoMac() {
        assertThat(of("duid-000400aa").clientMac()).isEmpty();
        assertThat(of(Lease.DECLINED).clientMac()).isEmpty();
        assertThat(of("mac-52:54:00").clientMac()).isEmpty();
        assertThat(of("mac-zz:54:00:00:bb:01").clientMac()).isEmpty();
    }
}
