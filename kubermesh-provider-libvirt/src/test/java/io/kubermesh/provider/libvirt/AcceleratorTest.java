package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.provider.libvirt.LibvirtOptions.Accel;
import org.junit.jupiter.api.Test;

class AcceleratorTest {
    // trimmed from `virsh capabilities` of libvirt 9.0 on Debian 12
    private static final String TCG_ONLY = """
            <capabilities><guest><os_type>hvm</os_type>
              <arch name='i686'><emulator>/usr/bin/qemu-system-i386</emulator><domain type='qemu'/><domain type='kvm'/></arch>
            </guest><guest><os_type>hvm</os_type>
              <arch name='x86_64'><wordsize>64</wordsize><emulator>/usr/bin/qemu-system-x86_64</emulator>
                <machine maxCpus='288'>q35</machine><domain type='qemu'/></arch>
            </guest></capabilities>""";
    private static final String WITH_KVM = TCG_ONLY.replace("<machine maxCpus='288'>q35</machine><domain type='qemu'/>",
            "<machine maxCpus='288'>q35</machine><domain type='qemu'/><domain type='kvm'/>");

    @Test
    void kvmWhenLibvirtOffersItForX8664() {
        assertThat(WITH_KVM).isNotEqualTo(TCG_ONLY);
        assertThat(Accelerator.choose(Accel.AUTO, WITH_KVM).kvm()).isTrue();
        assertThat(Accelerator.choose(Accel.KVM, WITH_KVM).kvm()).isTrue();
    }

    @Test
    void tcgOtherwiseSayingWhy() {
        // the i686 guest's KVM must not count for x86_64
        Accelerator a = Accelerator.choose(Accel.AUTO, TCG_ONLY);
        assertThat(a.kvm()).isFalse();
        assertThat(a.reason()).startsWith("TCG").contains("/dev/kvm");
        assertThat(Accelerator.choose(Accel.TCG, WITH_KVM).kvm()).isFalse();
    }

    @Test
    void askingForKvmWithoutItIsAnEnvironmentError() {
        assertThatThrownBy(() -> Accelerator.choose(Accel.KVM, TCG_ONLY)).isInstanceOf(EnvironmentException.class)
                .hasMessageContaining("/dev/kvm").hasMessageContaining("libvirt.accel");
    }
}
