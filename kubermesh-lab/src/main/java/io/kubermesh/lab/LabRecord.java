package io.kubermesh.lab;

import io.kubermesh.addressing.DurableJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The lab's own bookkeeping beside the substrate's: its substrate, machine serials, cut cables, join times. */
final class LabRecord {
    static final String FILE = "lab.json";
    private static final DurableJson<LabRecord> STORE = new DurableJson<>(LabRecord.class, FILE, "the lab record",
            "kubermesh down needs it: remove what the lab built by hand (ip netns list, virsh list --all)"
                    + " and this directory to start over");

    /** One machine of the lab, past or present. */
    static final class MachineRecord {
        public String name;
        public int serial;
        /** deployed, netbooting, joined, off, gone */
        public String state;
        public double joinSeconds = -1;
        /** When it was last powered on (ISO instant), the start of its join's timeline. */
        public String poweredOn;
    }

    /** A cable that was cut and may be joined again. */
    static final class CutCable {
        public String a;
        public int aPort;
        public String b;
        public int bPort;
    }

    /** The name of the substrate provider the lab runs on. */
    public String substrate;
    /** The options the substrate was created with. */
    public Map<String, String> options = new LinkedHashMap<>();
    public int nextSerial = 1;
    public Map<String, MachineRecord> machines = new LinkedHashMap<>();
    public List<CutCable> cut = new ArrayList<>();

    static LabRecord read(Path dir) {
        return STORE.read(dir).orElse(null);
    }

    void write(Path dir) {
        STORE.write(dir, this);
    }
}
