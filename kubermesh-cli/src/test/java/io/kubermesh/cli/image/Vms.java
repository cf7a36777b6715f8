package io.kubermesh.cli.image;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the node OS ITs' VMs run with: KVM when {@code /dev/kvm} opens and runs OVMF, TCG otherwise; blank disks. */
final class Vms {
    static final String OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";

    private Vms() {
    }

    private static String accelerator;

    /**
     * {@code kvm} when /dev/kvm is a character device that opens read-write and KVM runs OVMF
     * (the libvirt substrate's {@code KvmFirmwareProbe}: this CI host's nested KVM opens but
     * stops OVMF at once with "KVM internal error ... emulation failure"), else {@code tcg}.
     */
    static synchronized String accelerator() {
        if (accelerator == null) {
            accelerator = deviceOpens().equals("kvm") && io.kubermesh.provider.libvirt.KvmFirmwareProbe.failure(
                    Path.of(OVMF_CODE), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd")).isEmpty() ? "kvm" : "tcg";
        }
        return accelerator;
    }

    private static String deviceOpens() {
        Path kvm = Path.of("/dev/kvm");
        try {
            int mode = (Integer) Files.getAttribute(kvm, "unix:mode");
            if ((mode & 0170000) != 0020000) {
                return "tcg";
            }
            try (RandomAccessFile f = new RandomAccessFile(kvm.toFile(), "rw")) {
                return "kvm";
            }
        } catch (Exception e) {
            return "tcg";
        }
    }

    /** A sparse, empty raw disk. */
    static Path blankDisk(Path file, long bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }


    /** The seed's failure detection: BFD every 100 ms, down after 3 missed; OSPF dead after 4 s. */
    private static final String SEED_ROUTING = "routing: { daemon: frr, hello: 1s, dead: 4s, bfd: { interval: 100ms, multiplier: 3 } }";

    /**
     * {@code clusterYaml} (the seed's) with failure detection for VMs that share two cores: under
     * TCG here (emulated machines, each about 10x slower than on KVM) the adjacencies went down and
     * up every few seconds (in a full run of LibvirtLabIT every adjacency's age was 2-11 s, 48
     * router-LSAs from the gateway in 8 minutes; in BaremetalNodeOsIT the gateway found no route to
     * a joined node for a moment, twice in a day), most likely because a VM is off the CPU for
     * longer than the seed's 300 ms BFD detection; that says nothing about the mesh. Here a
     * neighbour is down after 3 s of silence (BFD 500 ms x 6) and OSPF's dead interval is 8 s; what
     * the VM tests show does not depend on how fast a failure is noticed (the netns lab keeps the
     * seed's timers).
     */
    static String withVmTimers(String clusterYaml) {
        if (!clusterYaml.contains(SEED_ROUTING)) {
            throw new AssertionError("the seed cluster file no longer has the routing line the VM tests replace: " + SEED_ROUTING);
        }
        return clusterYaml.replace(SEED_ROUTING, "routing: { daemon: frr, hello: 1s, dead: 8s, bfd: { interval: 500ms, multiplier: 6 } }");
    }
}
