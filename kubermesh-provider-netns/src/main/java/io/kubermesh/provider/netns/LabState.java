package io.kubermesh.provider.netns;

import io.kubermesh.addressing.DurableJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the netns substrate has built, kept durably in {@code substrate.json} of its state
 * directory so another process (the next CLI command) can attach to the same lab.
 */
final class LabState {
    static final String FILE = "substrate.json";
    private static final DurableJson<LabState> STORE = new DurableJson<>(LabState.class, FILE, "the lab state",
            "remove the lab's namespaces (ip netns list) and the file to start over");

    /** One machine as stored. */
    static final class StoredMachine {
        public String name;
        public List<String> nics = new ArrayList<>();
        public boolean netboot;
        public boolean powered;
        /** A deployed machine's cluster file is in its directory ({@code Substrate.deploy}). */
        public boolean deployed;
        public boolean etcdBootstrap;
    }

    /** One cable as stored: machine:port at each end. */
    static final class StoredCable {
        public String a;
        public int aPort;
        public String b;
        public int bPort;
    }

    public String prefix;
    public List<StoredMachine> machines = new ArrayList<>();
    public List<StoredCable> cables = new ArrayList<>();

    static LabState read(Path dir) {
        return STORE.read(dir).orElse(null);
    }

    void write(Path dir) {
        STORE.write(dir, this);
    }

    static void delete(Path dir) {
        STORE.delete(dir);
    }
}
