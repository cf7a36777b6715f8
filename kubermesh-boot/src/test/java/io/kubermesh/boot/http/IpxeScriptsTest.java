package io.kubermesh.boot.http;

import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Ignition;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineState;
import io.kubermesh.boot.machine.Profile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IpxeScriptsTest {
    private final Machine m = new Machine(MacAddress.parse("52:54:00:aa:bb:cc"), "cluster0", "u", "x86_64", "s", "p",
            MachineState.DISCOVERED, "", "");

    @Test
    void bootChainsWithTheIpxeVariables() {
        String s = IpxeScripts.boot();
        assertThat(s).startsWith("#!ipxe\n");
        assertThat(s).contains("chain ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&serial=${serial:uristring}");
    }

    @Test
    void installLoadsKernelAndInitrdsWithResolvedArgs() {
        Profile p = new Profile("debian", "debian/vmlinuz", List.of("debian/initrd.gz"),
                List.of("console=ttyS0", "ignition.config.url={ignition}", "km.mac={mac}", "x=${evil}"), Ignition.EMPTY);
        String s = IpxeScripts.install(p, m, "http://[2001:db8::20]:8080", "00112233445566778899aabbccddeeff");
        assertThat(s).contains("kernel assets/debian/vmlinuz initrd=initrd.gz console=ttyS0 "
                + "ignition.config.url=http://[2001:db8::20]:8080/ignition?mac=52:54:00:aa:bb:cc"
                + "&secret=00112233445566778899aabbccddeeff km.mac=52:54:00:aa:bb:cc x={evil}\n");
        assertThat(s).contains("initrd assets/debian/initrd.gz\n").endsWith("boot\n");
    }

    @Test
    void aBootSecretIsHexOnly() {
        Profile p = new Profile("debian", "debian/vmlinuz", List.of(), List.of("ignition.config.url={ignition}"),
                Ignition.EMPTY);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpxeScripts.install(p, m, "http://x", "abc def\nboot"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bootScriptAsksAgainWhenTheChainFails() {
        assertThat(IpxeScripts.boot()).contains("isset ${kubermesh-disk} && exit 1 ||")
                .contains("|| goto retry").contains(":retry").contains("sleep")
                .contains("goto ask");
    }

    @Test
    void pendingMachineWaitsAndAsksAgain() {
        String s = IpxeScripts.pending(m);
        assertThat(s).contains("approve 52:54:00:aa:bb:cc").contains("sleep").contains("chain boot.ipxe")
                .doesNotContain("kernel");
    }

    @Test
    void installedMachineBootsItsDisk() {
        String s = IpxeScripts.disk(m.withState(MachineState.INSTALLED));
        assertThat(s).contains("installed").contains("set kubermesh-disk 1\n").contains("exit").contains("sanboot")
                .doesNotContain("kernel");
    }

    @Test
    void noProfileExplainsAndRetriesWithoutExpandingClientText() {
        String s = IpxeScripts.noProfile("none matches {serial=${evil}; reboot}");
        assertThat(s).contains("echo kubermesh: no profile for this machine: none matches {serial=?{evil}? reboot}")
                .contains("sleep " + IpxeScripts.RETRY_SECONDS).endsWith("chain boot.ipxe\n");
    }
}
