package io.kubermesh.boot.http;

import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.boot.lab.VmLab;
import io.kubermesh.boot.lab.VmLabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the VM harness: a Debian kernel and the busybox initramfs boot directly in qemu (TCG) on
 * the lab's tap; the guest takes a port-0 pool address, fetches a token from kubermesh's HTTP
 * server over IPv6, prints it after the marker and powers off.
 */
@ExtendWith(VmLabExtension.class)
class DirectKernelBootIT {
    @Test
    void kernelAndInitramfsFetchFromTheNodeAndPrintTheMarker(VmLab lab) throws Exception {
        var kernel = lab.installerAssets();
        lab.serve();
        String append = String.join(" ", lab.markerArgs(lab.httpBase()));
        var vm = lab.boot(QemuVm.directKernel(kernel.vmlinuz(), lab.assets().resolve("initrd.gz"), append, VmLab.TAP,
                "52:54:00:aa:00:0a"));
        System.out.printf("direct kernel boot: marker after %.1f s%n", lab.awaitMarker(Duration.ofSeconds(240)));
        assertThat(vm.waitForExit(Duration.ofSeconds(60))).as("the guest powers off").isTrue();
        assertThat(lab.serverLog()).as("the guest came in on port 0").contains("port cluster0: GET /assets/marker.txt -> 200");
    }
}
