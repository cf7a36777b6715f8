package io.kubermesh.provider.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubermesh.addressing.DurableFile;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the netns substrate has built, kept durably in {@code substrate.json} of its state
 * directory so another process (the next CLI command) can attach to the same lab.
 */
final class LabState {
    static final String FILE = "substrate.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), LabState.class);
        } catch (IOException e) {
            throw new SubstrateException("the lab state " + f + " is unreadable: " + e.getMessage()
                    + "; remove the lab's namespaces (ip netns list) and the file to start over", e);
        }
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            DurableFile.write(dir.resolve(FILE), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new SubstrateException("cannot write the lab state in " + dir + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new SubstrateException("cannot remove the lab state in " + dir + ": " + e.getMessage(), e);
        }
    }
}
