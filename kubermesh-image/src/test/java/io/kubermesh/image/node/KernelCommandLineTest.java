package io.kubermesh.image.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KernelCommandLineTest {
    @Test
    void readsWhatTheIpxeChainPasses() {
        // As IpxeScripts.install writes it for the kubermesh profile.
        KernelCommandLine c = KernelCommandLine.parse("initrd=initrd.img console=tty0 console=ttyS0,115200n8 "
                + "ignition.config.url=http://[2001:db8::a4:a801:7600:228]:8080/ignition?mac=52:54:00:aa:00:0a "
                + "ignition.platform.id=metal kubermesh.server=http://[2001:db8::a4:a801:7600:228]:8080\n");
        assertThat(c.netbooted()).isTrue();
        assertThat(c.get(KernelCommandLine.IGNITION_URL)).contains(
                "http://[2001:db8::a4:a801:7600:228]:8080/ignition?mac=52:54:00:aa:00:0a");
        assertThat(c.get(KernelCommandLine.SERVER)).contains("http://[2001:db8::a4:a801:7600:228]:8080");
        assertThat(c.get("console")).contains("ttyS0,115200n8");
    }

    @Test
    void diskBootsHaveNoIgnitionUrlQuotesAndFlagsParse() {
        KernelCommandLine c = KernelCommandLine.parse("BOOT_IMAGE=x quiet  kubermesh.boot=disk a=\"b c\" ignition.config.url=");
        assertThat(c.netbooted()).isFalse();
        assertThat(c.get(KernelCommandLine.BOOT)).contains("disk");
        assertThat(c.get("a")).contains("b c");
        assertThat(c.flags()).containsExactly("quiet");
    }
}
