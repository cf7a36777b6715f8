package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.Ipv6Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The boot file a client gets (option 59), chosen by user class, architecture and vendor class:
 * iPXE (user class "iPXE") gets {@code http://[port]:PORT/boot.ipxe}, which breaks the chain-load
 * loop; UEFI HTTP clients (architecture 16 or 19, or vendor class "HTTPClient") get the HTTP URL
 * of the UEFI binary and the vendor class "HTTPClient" echoed (UEFI 2.x section 24.7 requires it
 * to accept the offer); x64 UEFI (7, 9) the TFTP URL of {@link BootSpec#uefiBootFile()}; arm64 UEFI
 * (11) the arm64 file; BIOS (0) {@link BootSpec#biosBootFile()}. A client that names nothing (a
 * plain OS client asking for option 59) gets the x64 UEFI file.
 *
 * @param url the boot file URL
 * @param why a short reason, for the exchange log
 * @param httpClient true if the reply must carry vendor class "HTTPClient" (enterprise 343)
 */
public record BootFile(String url, String why, boolean httpClient) {
    /** IANA enterprise number of Intel, under which PXE and UEFI HTTP boot vendor classes live. */
    public static final long INTEL_ENTERPRISE = 343;
    public static final String HTTP_CLIENT = "HTTPClient";
    public static final String PXE_CLIENT = "PXEClient";

    /** The vendor class option that tells UEFI HTTP boot this is an HTTP boot offer. */
    public static Dhcp6Option.VendorClass httpClientVendorClass() {
        return new Dhcp6Option.VendorClass(INTEL_ENTERPRISE, List.of(Octets.ofText(HTTP_CLIENT)));
    }

    /** Chooses the boot file for {@code request}, served from {@code portAddress}. */
    public static BootFile choose(BootSpec boot, Ipv6Address portAddress, Dhcp6Message request) {
        String host = "[" + portAddress + "]";
        String http = "http://" + host + ":" + boot.httpPort() + "/";
        String tftp = "tftp://" + host + "/";
        boolean ipxe = request.option(Dhcp6Option.UserClass.class)
                .map(u -> u.classes().stream().anyMatch(c -> c.toText().equals("iPXE"))).orElse(false);
        if (ipxe) {
            return new BootFile(http + "boot.ipxe", "user class iPXE", false);
        }
        List<Integer> arch = request.option(Dhcp6Option.ClientArch.class).map(Dhcp6Option.ClientArch::types)
                .orElse(List.of());
        boolean vendorHttp = vendorClass(request).map(v -> v.startsWith(HTTP_CLIENT)).orElse(false);
        if (arch.contains(19)) {
            return new BootFile(http + boot.arm64BootFile(), "arch 19 arm64 UEFI HTTP", true);
        }
        if (arch.contains(16) || vendorHttp) {
            return new BootFile(http + boot.uefiBootFile(), "x64 UEFI HTTP", true);
        }
        if (arch.contains(7) || arch.contains(9)) {
            return new BootFile(tftp + boot.uefiBootFile(), "x64 UEFI", false);
        }
        if (arch.contains(11)) {
            return new BootFile(tftp + boot.arm64BootFile(), "arm64 UEFI", false);
        }
        if (arch.contains(0)) {
            return new BootFile(tftp + boot.biosBootFile(), "BIOS", false);
        }
        return new BootFile(tftp + boot.uefiBootFile(), arch.isEmpty() ? "no architecture" : "arch " + arch, false);
    }

    /** The first vendor class data item under enterprise 343, as text. */
    static Optional<String> vendorClass(Dhcp6Message request) {
        return request.all(Dhcp6Option.VendorClass.class).stream()
                .filter(v -> v.enterprise() == INTEL_ENTERPRISE && !v.classes().isEmpty())
                .map(v -> new String(v.classes().get(0).toBytes(), StandardCharsets.US_ASCII)).findFirst();
    }
}
