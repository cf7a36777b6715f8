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

    private static final java.util.function.Supplier<java.util.Optional<String>> RUNS = java.util.Optional::empty;
    private static final java.util.function.Supplier<java.util.Optional<String>> NOT_ASKED = () -> {
        throw new AssertionError("the firmware probe runs only where libvirt offers KVM");
    };
    private static final String EMULATION_FAILURE = "KVM internal error. Suberror: 1 / extra data[0]: 0x0000000000000001";

    @Test
    void whereKvmCannotRunTheFirmwareAutoUsesTcgSayingWhyAndKvmIsAnEnvironmentError() {
        Accelerator a = Accelerator.choose(Accel.AUTO, WITH_KVM, () -> java.util.Optional.of(EMULATION_FAILURE));
        assertThat(a.kvm()).isFalse();
        assertThat(a.reason()).startsWith("TCG").contains("cannot run OVMF").contains(EMULATION_FAILURE);
        assertThatThrownBy(() -> Accelerator.choose(Accel.KVM, WITH_KVM, () -> java.util.Optional.of(EMULATION_FAILURE)))
                .isInstanceOf(EnvironmentException.class).hasMessageContaining("cannot run OVMF")
                .hasMessageContaining(EMULATION_FAILURE);
    }

    @Test
    void kvmWhenLibvirtOffersItForX8664() {
        assertThat(WITH_KVM).isNotEqualTo(TCG_ONLY);
        assertThat(Accelerator.choose(Accel.AUTO, WITH_KVM, RUNS).kvm()).isTrue();
        assertThat(Accelerator.choose(Accel.KVM, WITH_KVM, RUNS).kvm()).isTrue();
    }

    @Test
    void tcgOtherwiseSayingWhy() {
        // the i686 guest's KVM must not count for x86_64
        Accelerator a = Accelerator.choose(Accel.AUTO, TCG_ONLY, NOT_ASKED);
        assertThat(a.kvm()).isFalse();
        assertThat(a.reason()).startsWith("TCG").contains("/dev/kvm");
        assertThat(Accelerator.choose(Accel.TCG, WITH_KVM, NOT_ASKED).kvm()).isFalse();
    }

    @Test
    void askingForKvmWithoutItIsAnEnvironmentError() {
        assertThatThrownBy(() -> Accelerator.choose(Accel.KVM, TCG_ONLY, NOT_ASKED)).isInstanceOf(EnvironmentException.class)
                .hasMessageContaining("/dev/kvm").hasMessageContaining("libvirt.accel");
    }

    @Test
    void whatTheProbeSaysOfQemusOutput() {
        String kvmError = """
                qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]
                KVM internal error. Suberror: 1
                extra data[0]: 0x0000000000000001
                emulation failure
                EAX=00000000 EBX=00807000 ECX=00000001 EDX=00807154
                """;
        assertThat(KvmFirmwareProbe.firstLines(kvmError)).isEqualTo("KVM internal error. Suberror: 1 / emulation failure");
        assertThat(KvmFirmwareProbe.firstLines("Could not access KVM kernel module: No such file or directory\n"
                + "qemu-system-x86_64: -machine q35,accel=kvm: failed to initialize kvm: No such file or directory\n"))
                .isEqualTo("Could not access KVM kernel module: No such file or directory / qemu-system-x86_64: -machine "
                        + "q35,accel=kvm: failed to initialize kvm: No such file or directory");
        assertThat(KvmFirmwareProbe.firstLines("")).isEmpty();
    }
}
