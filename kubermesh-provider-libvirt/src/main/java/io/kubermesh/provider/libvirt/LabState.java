package io.kubermesh.provider.libvirt;

import io.kubermesh.addressing.DurableJson;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.PortRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the libvirt substrate has built, kept in {@code libvirt.json} of its state directory so
 * the next CLI command attaches to the same lab, and so {@code close()} removes exactly what this
 * lab made: the names here, never whatever else carries the prefix.
 */
final class LabState {
    static final String FILE = "libvirt.json";
    private static final DurableJson<LabState> STORE = new DurableJson<>(LabState.class, FILE, "the lab state",
            "remove the lab's domains and networks (virsh list --all, virsh net-list --all) and the file to start over");

    /** One machine as stored. */
    static final class StoredMachine {
        public String name;
        /** Small number unique in the lab, used in tap names (interface names end at 15 characters). */
        public int index;
        public List<String> nics = new ArrayList<>();
        public boolean netboot;
        public boolean kvm;
        public boolean deployImage;
        /** {@link io.kubermesh.spi.Substrate#deploy} accepted the image for this lab's cluster file. */
        public boolean deployed;
    }

    /** One cable as stored: machine:port at each end, and the id its network and bridge are named by. */
    static final class StoredCable {
        public int id;
        public String a;
        public int aPort;
        public String b;
        public int bPort;
    }

    public String prefix;
    public String uri;
    public int nextMachine = 1;
    public int nextCable = 1;
    /** Whether the idle network (ports without a cable) was created by this lab. */
    public boolean idleNetwork;
    /** The daemons this lab started (virtlogd, libvirtd), to stop at close; 0 when it found them running. */
    public long virtlogdPid;
    public long libvirtdPid;
    public List<StoredMachine> machines = new ArrayList<>();
    public List<StoredCable> cables = new ArrayList<>();

    static LabState read(Path dir) {
        return STORE.read(dir).orElse(null);
    }

    /** Writes the state so that a crash leaves the old file or the new one, never a torn one. */
    void write(Path dir) {
        STORE.write(dir, this);
    }

    static void delete(Path dir) {
        STORE.delete(dir);
    }

    Optional<StoredMachine> find(String name) {
        return machines.stream().filter(m -> m.name.equals(name)).findFirst();
    }

    StoredMachine machine(String name) {
        return find(name).orElseThrow(() -> new SubstrateException("there is no machine " + name + " in this lab; it has "
                + machines.stream().map(m -> m.name).toList()));
    }

    StoredMachine port(PortRef ref) {
        StoredMachine m = machine(ref.machine());
        if (ref.port() < 0 || ref.port() >= m.nics.size()) {
            throw new SubstrateException("machine " + ref.machine() + " has ports 0.." + (m.nics.size() - 1) + ", not " + ref.port());
        }
        return m;
    }

    Optional<StoredCable> cableAt(PortRef end) {
        return cables.stream().filter(c -> touches(c, end)).findFirst();
    }

    static boolean touches(StoredCable c, PortRef end) {
        return (c.a.equals(end.machine()) && c.aPort == end.port()) || (c.b.equals(end.machine()) && c.bPort == end.port());
    }
}
