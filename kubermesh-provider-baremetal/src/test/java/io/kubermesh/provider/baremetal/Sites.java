package io.kubermesh.provider.baremetal;

import io.kubermesh.addressing.site.SiteConfig;
import io.kubermesh.addressing.site.SiteInventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Site inventories for the ITs, written the way an operator would: passwords in 0600 files. */
public final class Sites {
    private Sites() {
    }

    /** Writes {@code password} to {@code dir/name} with mode 0600 and returns the file. */
    public static Path passwordFile(Path dir, String name, String password) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, password + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    /**
     * A started BMC emulator ({@code ipmi_sim}, user admin, {@code password}) whose chassis is a qemu
     * VM with one NIC of {@code nodeMac}, plugged into the gateway's port 0 (the chassis opens the
     * tap {@code cluster0} in namespace {@code netns}); and {@code dir/site.yaml}: the gateway with
     * {@code gatewayMac}, node1 behind that BMC (its password in the 0600 file {@code node1.password}),
     * and the one cable gateway:0 - node1:0.
     */
    public static io.kubermesh.testkit.bmc.IpmiSimulator gatewayAndNode1(Path dir, String siteName, String netns, String gatewayMac,
                                                                          String nodeMac, String password) throws IOException {
        var bmc = new io.kubermesh.testkit.bmc.IpmiSimulator(dir.resolve("bmc"), siteName + "-node1", nodeMac, "admin", password);
        try {
            // The VM's NIC is the gateway's port 0: a tap in the gateway's namespace, opened there by the chassis.
            bmc.chassis().plugInto(io.kubermesh.routing.netlink.NetworkNamespaces.path(netns), "cluster0");
            bmc.start();
            passwordFile(dir, "node1.password", password);
            write(dir, "site:\n  name: " + siteName + "\n  machines:\n"
                    + "    - {name: gateway, nics: [\"" + gatewayMac + "\"]}\n"
                    + "    - name: node1\n      nics: [\"" + nodeMac + "\"]\n"
                    + "      bmc: {address: \"ipmi://127.0.0.1:" + bmc.port() + "\", username: admin, passwordFile: node1.password}\n"
                    + "  cables:\n    - [\"gateway:0\", \"node1:0\"]\n");
            return bmc;
        } catch (IOException | RuntimeException e) {
            bmc.close();
            throw e;
        }
    }

    /** Writes {@code yaml} as {@code dir/site.yaml} and reads it back through the real parser. */
    public static SiteInventory write(Path dir, String yaml) throws IOException {
        Path site = dir.resolve("site.yaml");
        Files.writeString(site, yaml);
        return SiteConfig.load(site);
    }
}
