package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrivilegesTest {
    private static String status(String capEff) {
        return "Name:\tjava\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t" + capEff
                + "\nCapBnd:\t000001ffffffffff\n";
    }

    @Test
    void rootsFullSetLacksNothing() {
        assertThat(Privileges.missing(status("000001ffffffffff"))).isEmpty();
    }

    @Test
    void exactlyTheThreeNetworkCapabilitiesAreEnough() {
        long three = (1L << 10) | (1L << 12) | (1L << 13);
        assertThat(Privileges.missing(status(String.format("%016x", three)))).isEmpty();
    }

    @Test
    void anUnprivilegedProcessLacksEachOneByName() {
        assertThat(Privileges.missing(status("0000000000000000")))
                .containsExactly("CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE");
        assertThat(Privileges.missing(status(String.format("%016x", 1L << 12))))
                .containsExactly("CAP_NET_RAW", "CAP_NET_BIND_SERVICE");
    }

    @Test
    void aStatusWithoutCapEffCountsAsNoCapabilities() {
        assertThat(Privileges.missing("Name:\tjava\n")).hasSize(3);
    }
}
