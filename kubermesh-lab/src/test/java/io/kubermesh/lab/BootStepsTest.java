package io.kubermesh.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootStepsTest {
    /** Lines as OVMF, iPXE, the kernel and the node OS print them on a serial console (taken from a libvirt VM's log). */
    private static final List<String> NETBOOT = List.of(
            "BdsDxe: failed to load Boot0001 \"UEFI Misc Device\" from PciRoot(0x0)/Pci(0x2,0x2)/Pci(0x0,0x0): Not Found",
            ">>Start PXE over IPv6..",
            "  Station IP address is 2001:DB8:0:0:A4:A800:2:21",
            "  NBP file downloaded successfully.",
            "iPXE initialising devices...ok",
            "Configuring (net0 52:54:00:00:02:00).................. ok",
            "Filename: http://[2001:db8::a4:a800:2:20]:8080/boot.ipxe",
            "kubermesh: installing profile kubermesh on 52:54:00:00:02:00 (port cluster0)",
            "[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0)",
            "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable",
            "[   60.1] kubermesh-setup[411]: kubermesh-setup: installed on /dev/vda: /dev/vda1 ESP, /dev/vda2 data",
            "[  129.2] kubermesh[583]: 2026-12-05T17:18:46Z kubermesh agent km-first: identity 52:54:00:00:01:00, host 2001:db8::a4:a800:2:0",
            "[  129.3] kubermesh[583]: 17:18:46 INFO i.k.a.AnycastPorts anycast etcd check failing");

    @Test
    void theStepsOfANetbootAreShownAndTheNoiseIsNot() {
        List<String> shown = new ArrayList<>();
        BootSteps steps = new BootSteps(List.of(), shown::add);
        NETBOOT.forEach(steps);
        assertThat(shown).containsExactly("Start PXE over IPv6..", "Station IP address is 2001:DB8:0:0:A4:A800:2:21",
                "NBP file downloaded successfully.", "iPXE initialising devices...ok",
                "Configuring (net0 52:54:00:00:02:00).................. ok",
                "Filename: http://[2001:db8::a4:a800:2:20]:8080/boot.ipxe",
                "kubermesh: installing profile kubermesh on 52:54:00:00:02:00 (port cluster0)",
                "Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0)",
                "kubermesh-setup: installed on /dev/vda: /dev/vda1 ESP, /dev/vda2 data",
                "kubermesh agent km-first: identity 52:54:00:00:01:00, host 2001:db8::a4:a800:2:0");
    }

    @Test
    void aSecondBootShowsOnlyItsOwnSteps() {
        List<String> console = new ArrayList<>(NETBOOT);
        List<String> before = List.copyOf(console.subList(console.size() - 5, console.size()));
        console.add("[    0.000000] Linux version 6.1.0-57-amd64 (second boot)");
        console.add("[   12.0] kubermesh-setup[400]: kubermesh-setup: Ignition config from the disk");
        List<String> shown = new ArrayList<>();
        BootSteps steps = new BootSteps(before, shown::add);
        console.forEach(steps);
        // The old console's last line is not matched (it may have been still being written) but skipped.
        assertThat(shown).containsExactly("Linux version 6.1.0-57-amd64 (second boot)",
                "kubermesh-setup: Ignition config from the disk");
    }

    @Test
    void theFirmwareStandInsLinesAreSteps() {
        assertThat(BootSteps.step("firmware: link-local fe80::1 usable after 1.2 s")).contains("firmware: link-local fe80::1 usable after 1.2 s");
        assertThat(BootSteps.step("[ 0.0] Linux version 6" + "x".repeat(300))).hasValueSatisfying(s -> assertThat(s).hasSize(143).endsWith("..."));
        assertThat(BootSteps.step("")).isEmpty();
    }
}
