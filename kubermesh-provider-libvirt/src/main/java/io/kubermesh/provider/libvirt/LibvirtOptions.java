package io.kubermesh.provider.libvirt;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code libvirt.*} options of a {@link SubstrateConfig}, validated together: every bad value
 * is reported at once with its key, the value and what would be valid; an unknown
 * {@code libvirt.*} key is an error (options of other providers are ignored).
 *
 * @param uri the libvirt connection ({@code qemu:///system}); the substrate starts the local
 *            daemons only for that URI
 * @param prefix put in front of every domain, network, bridge and tap name; {@code km} and at most
 *               8 characters, because Linux interface names end at 15; by default {@code km}, the
 *               cluster name's first five characters and {@code -} ({@code kmlab-}, {@code kmkuber-})
 * @param memoryMiB memory of each VM
 * @param vcpus virtual CPUs of each VM
 * @param diskGiB size of each machine's blank disk (a sparse raw file)
 * @param accel which accelerator to ask for
 * @param deployImage the disk image a deployed ({@code netboot=false}) machine boots, copied per
 *                    machine and attached as a USB drive; without it such a machine is blank too
 * @param hostPorts ports taken by a host NIC or USB network adapter instead of a cable
 * @param firmware the read-only UEFI code (pflash)
 * @param nvramTemplate the UEFI variable store copied to each machine
 * @param pxe which UEFI network boot families the firmware tries
 * @param bootRetry whether a netboot machine whose firmware found nothing to boot is reset to try
 *                  again, as the seed's "unlimited network boot attempts" BIOS setting did
 */
public record LibvirtOptions(String uri, String prefix, int memoryMiB, int vcpus, int diskGiB, Accel accel,
                             Optional<Path> deployImage, List<HostPort> hostPorts, Path firmware,
                             Path nvramTemplate, Pxe pxe, boolean bootRetry, BootOrder bootOrder) {
    /** Which accelerator a domain asks for. */
    public enum Accel { AUTO, KVM, TCG }

    /** Which network boot families UEFI tries: IPv6 only (the seed's "UEFI PXE over IPv6"), IPv4 only, both. */
    public enum Pxe { IPV6, IPV4, BOTH }

    /** Where a netboot machine's firmware puts its disk: before its ports (the seed's BIOS advice) or after them. */
    public enum BootOrder { DISK_FIRST, NETWORK_FIRST }

    static final String URI = "libvirt.uri";
    static final String PREFIX = "libvirt.prefix";
    static final String MEMORY = "libvirt.memory";
    static final String VCPUS = "libvirt.vcpus";
    static final String DISK = "libvirt.diskSize";
    static final String ACCEL = "libvirt.accel";
    static final String DEPLOY_IMAGE = "libvirt.deployImage";
    static final String HOST_PORTS = "libvirt.hostPorts";
    static final String FIRMWARE = "libvirt.firmware";
    static final String NVRAM_TEMPLATE = "libvirt.nvramTemplate";
    static final String PXE = "libvirt.pxe";
    static final String BOOT_RETRY = "libvirt.bootRetry";
    static final String BOOT_ORDER = "libvirt.bootOrder";

    /** Every key with what it takes, for error messages and the docs. */
    static final Map<String, String> KEYS = new TreeMap<>(Map.ofEntries(
            Map.entry(URI, "a libvirt URI, default qemu:///system"),
            Map.entry(PREFIX, "km followed by up to 6 of a-z, 0-9, '-'; default km + the cluster name's first 5 + '-'"),
            Map.entry(MEMORY, "MiB per VM, 128..65536, default 2048"),
            Map.entry(VCPUS, "virtual CPUs per VM, 1..64, default 1"),
            Map.entry(DISK, "GiB per blank disk (sparse), 1..4096, default 16"),
            Map.entry(ACCEL, "auto, kvm or tcg, default auto"),
            Map.entry(DEPLOY_IMAGE, "an absolute path to the deployed machine's disk image (usb.img)"),
            Map.entry(HOST_PORTS, "MACHINE:PORT=direct:IFACE or MACHINE:PORT=usb:VVVV:PPPP, comma separated"),
            Map.entry(FIRMWARE, "an absolute path, default /usr/share/OVMF/OVMF_CODE_4M.fd"),
            Map.entry(NVRAM_TEMPLATE, "an absolute path, default /usr/share/OVMF/OVMF_VARS_4M.fd"),
            Map.entry(PXE, "ipv6, ipv4 or both, default ipv6"),
            Map.entry(BOOT_RETRY, "true or false, default true"),
            Map.entry(BOOT_ORDER, "disk-first or network-first (a netboot machine's disk before or after its ports), "
                    + "default disk-first")));

    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    public LibvirtOptions {
        hostPorts = List.copyOf(hostPorts);
    }

    /** The options of {@code config}, or a {@link ConfigurationException} listing every bad one. */
    public static LibvirtOptions of(SubstrateConfig config) {
        Map<String, String> o = config.options();
        List<Problem> problems = new ArrayList<>();
        o.keySet().stream().filter(k -> k.startsWith("libvirt.") && !KEYS.containsKey(k)).sorted()
                .forEach(k -> problems.add(new Problem(k, o.get(k), "not a libvirt option; they are " + KEYS.keySet())));
        String uri = o.getOrDefault(URI, "qemu:///system");
        if (!uri.matches("[a-z0-9+]+://[^\\s]*")) {
            problems.add(new Problem(URI, uri, KEYS.get(URI)));
        }
        String prefix = o.getOrDefault(PREFIX, defaultPrefix(config.cluster().name()));
        if (!prefix.matches("km[a-z0-9-]{0,6}")) {
            problems.add(new Problem(PREFIX, prefix, KEYS.get(PREFIX)));
        }
        int memory = integer(o, MEMORY, 2048, 128, 65536, problems);
        int vcpus = integer(o, VCPUS, 1, 1, 64, problems);
        int disk = integer(o, DISK, 16, 1, 4096, problems);
        Accel accel = choice(o, ACCEL, Accel.AUTO, Accel::valueOf, problems);
        Pxe pxe = choice(o, PXE, Pxe.IPV6, Pxe::valueOf, problems);
        BootOrder bootOrder = choice(o, BOOT_ORDER, BootOrder.DISK_FIRST, v -> BootOrder.valueOf(v.replace('-', '_')), problems);
        // libvirt.deployImage wins; else the node image the CLI built for the lab (option "image", a directory).
        Optional<Path> image = Optional.ofNullable(o.get(DEPLOY_IMAGE)).map(v -> absolute(DEPLOY_IMAGE, v, problems))
                .or(() -> Optional.ofNullable(o.get(SubstrateConfig.NODE_IMAGE))
                        .map(v -> absolute(SubstrateConfig.NODE_IMAGE, v, problems).resolve("usb.img")));
        Path firmware = absolute(FIRMWARE, o.getOrDefault(FIRMWARE, OVMF_CODE.toString()), problems);
        Path vars = absolute(NVRAM_TEMPLATE, o.getOrDefault(NVRAM_TEMPLATE, OVMF_VARS.toString()), problems);
        List<HostPort> hostPorts = List.of();
        try {
            hostPorts = HostPort.parseList(HOST_PORTS, o.getOrDefault(HOST_PORTS, ""));
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        String retry = o.getOrDefault(BOOT_RETRY, "true");
        if (!retry.equals("true") && !retry.equals("false")) {
            problems.add(new Problem(BOOT_RETRY, retry, KEYS.get(BOOT_RETRY)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new LibvirtOptions(uri, prefix, memory, vcpus, disk, accel, image, hostPorts, firmware, vars, pxe,
                Boolean.parseBoolean(retry), bootOrder);
    }

    /**
     * {@code km}, the cluster name cut to 5 characters, {@code -}: two clusters whose names share
     * their first five characters need an explicit prefix each (the second lab's first machine is
     * refused, naming the domain that is in the way).
     */
    static String defaultPrefix(String clusterName) {
        String head = clusterName.length() > 5 ? clusterName.substring(0, 5) : clusterName;
        return "km" + head.replaceAll("-+$", "") + "-";
    }

    /** The host port configured for {@code machine:port}, if any. */
    Optional<HostPort> hostPort(String machine, int port) {
        return hostPorts.stream().filter(h -> h.machine().equals(machine) && h.port() == port).findFirst();
    }

    private static int integer(Map<String, String> o, String key, int def, int min, int max, List<Problem> problems) {
        String v = o.get(key);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new Problem(key, v, KEYS.get(key)));
        return def;
    }

    private static <E extends Enum<E>> E choice(Map<String, String> o, String key, E def, Function<String, E> parse,
                                                List<Problem> problems) {
        String v = o.get(key);
        if (v == null) {
            return def;
        }
        try {
            return parse.apply(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(key, v, KEYS.get(key)));
            return def;
        }
    }

    private static Path absolute(String key, String v, List<Problem> problems) {
        Path p = Path.of(v);
        if (!p.isAbsolute() || v.contains("\n")) {
            problems.add(new Problem(key, v, KEYS.getOrDefault(key, "an absolute path")));
        }
        return p;
    }
}
