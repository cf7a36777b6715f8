package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LibvirtOptionsTest {
    private static LibvirtOptions of(Map<String, String> o) {
        return LibvirtOptions.of(new SubstrateConfig(ClusterConfig.seed(), Path.of("/tmp/x"), o));
    }

    @Test
    void defaultsNeedNoOptionsAndIgnoreOtherProviders() {
        LibvirtOptions o = of(Map.of("netns.prefix", "kmns-"));
        assertThat(o.uri()).isEqualTo("qemu:///system");
        assertThat(o.prefix()).isEqualTo("kmlab-");
        assertThat(o.memoryMiB()).isEqualTo(2048);
        assertThat(o.vcpus()).isEqualTo(1);
        assertThat(o.diskGiB()).isEqualTo(16);
        assertThat(o.accel()).isEqualTo(LibvirtOptions.Accel.AUTO);
        assertThat(o.pxe()).isEqualTo(LibvirtOptions.Pxe.IPV6);
        assertThat(o.deployImage()).isEmpty();
        assertThat(o.hostPorts()).isEmpty();
        assertThat(o.firmware()).isEqualTo(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"));
        assertThat(o.bootRetry()).isTrue();
        assertThat(o.bootOrder()).isEqualTo(LibvirtOptions.BootOrder.DISK_FIRST);
    }

    @Test
    void everyOptionIsRead() {
        LibvirtOptions o = of(Map.ofEntries(Map.entry("libvirt.uri", "qemu+ssh://h/system"),
                Map.entry("libvirt.prefix", "kmlv-"), Map.entry("libvirt.memory", "256"), Map.entry("libvirt.vcpus", "2"),
                Map.entry("libvirt.diskSize", "1"), Map.entry("libvirt.accel", "TCG"),
                Map.entry("libvirt.deployImage", "/srv/usb.img"), Map.entry("libvirt.hostPorts", "gateway:1=direct:eth1"),
                Map.entry("libvirt.firmware", "/f/code.fd"), Map.entry("libvirt.nvramTemplate", "/f/vars.fd"),
                Map.entry("libvirt.pxe", "both"), Map.entry("libvirt.bootRetry", "false"),
                Map.entry("libvirt.bootOrder", "network-first")));
        assertThat(o).isEqualTo(new LibvirtOptions("qemu+ssh://h/system", "kmlv-", 256, 2, 1, LibvirtOptions.Accel.TCG,
                java.util.Optional.of(Path.of("/srv/usb.img")),
                java.util.List.of(new HostPort("gateway", 1, HostPort.Kind.DIRECT, "eth1", 0, 0)),
                Path.of("/f/code.fd"), Path.of("/f/vars.fd"), LibvirtOptions.Pxe.BOTH, false,
                LibvirtOptions.BootOrder.NETWORK_FIRST));
    }

    @Test
    void everyBadValueIsReportedAtOnceWithItsKey() {
        assertThatThrownBy(() -> of(Map.of("libvirt.prefix", "lv-", "libvirt.memory", "12", "libvirt.accel", "hvf",
                "libvirt.deployImage", "usb.img", "libvirt.colour", "red", "libvirt.bootRetry", "yes", "libvirt.bootOrder", "usb-first")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::path)
                        .containsExactlyInAnyOrder("libvirt.prefix", "libvirt.memory", "libvirt.accel",
                                "libvirt.deployImage", "libvirt.colour", "libvirt.bootRetry", "libvirt.bootOrder"))
                .hasMessageContaining("'12'").hasMessageContaining("128..65536").hasMessageContaining("libvirt.uri");
    }

    @Test
    void theLabsNodeImageIsTheDeployImageUnlessLibvirtNamesItsOwn() {
        assertThat(of(Map.of("image", "/var/cache/kubermesh/lab-image")).deployImage())
                .contains(Path.of("/var/cache/kubermesh/lab-image/usb.img"));
        assertThat(of(Map.of("image", "/var/cache/kubermesh/lab-image", "libvirt.deployImage", "/srv/usb.img")).deployImage())
                .contains(Path.of("/srv/usb.img"));
        assertThatThrownBy(() -> of(Map.of("image", "lab-image"))).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.problems()).extracting(ConfigurationException.Problem::path).containsExactly("image"))
                .hasMessageContaining("an absolute path");
        LibvirtSubstrateProvider provider = new LibvirtSubstrateProvider();
        assertThat(provider.needsNodeImage(Map.of())).isTrue();
        assertThat(provider.needsNodeImage(Map.of("libvirt.deployImage", "/srv/usb.img"))).isFalse();
    }

    @Test
    void aPrefixLeavesRoomInFifteenCharacterInterfaceNames() {
        assertThatThrownBy(() -> of(Map.of("libvirt.prefix", "kmtoolong"))).hasMessageContaining("libvirt.prefix");
        assertThat(of(Map.of("libvirt.prefix", "kmlvtst-")).prefix()).isEqualTo("kmlvtst-");
        assertThat(LibvirtOptions.defaultPrefix("kubermesh")).isEqualTo("kmkuber-");
        assertThat(LibvirtOptions.defaultPrefix("lab")).isEqualTo("kmlab-");
        assertThat(LibvirtOptions.defaultPrefix("a-b-c")).isEqualTo("kma-b-c-");
        assertThat(LibvirtOptions.defaultPrefix("abcd-x")).isEqualTo("kmabcd-");
    }

    @Test
    void hostPortsParseBothKindsAndRefuseClashes() {
        assertThat(HostPort.parseList("k", "gateway:1=direct:enx00e04c680001, gateway:2=usb:0BDA:8153"))
                .containsExactly(new HostPort("gateway", 1, HostPort.Kind.DIRECT, "enx00e04c680001", 0, 0),
                        new HostPort("gateway", 2, HostPort.Kind.USB, "", 0x0bda, 0x8153));
        assertThatThrownBy(() -> HostPort.parseList("k", "a:1=direct:eth1,a:1=direct:eth2"))
                .hasMessageContaining("a:1 has two");
        assertThatThrownBy(() -> HostPort.parseList("k", "a:1=direct:eth1,b:1=direct:eth1"))
                .hasMessageContaining("direct:eth1 is given to two ports");
        assertThatThrownBy(() -> HostPort.parseList("k", "a:9=direct:eth1")).hasMessageContaining("PORT 0..7");
        assertThatThrownBy(() -> HostPort.parseList("k", "a:1=eth1")).hasMessageContaining("k: 'a:1=eth1'");
        assertThatThrownBy(() -> HostPort.parseList("k", "a:1=direct:averyveryverylongname"))
                .isInstanceOf(ConfigurationException.class);
        assertThat(HostPort.parseList("k", " , ")).isEmpty();
    }
}
