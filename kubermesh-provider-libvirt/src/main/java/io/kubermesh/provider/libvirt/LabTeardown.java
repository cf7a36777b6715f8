package io.kubermesh.provider.libvirt;

import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a lab down from its state, never from a name pattern: its domains (stopped, undefined with
 * their NVRAM), its networks, its files and state, and the daemons it started unless libvirtd now
 * holds something that is not the lab's. Each step that fails is logged and the rest still run.
 */
final class LabTeardown {
    private static final Logger LOG = LoggerFactory.getLogger(LabTeardown.class);
    private final LabState state;
    private final Names names;
    private final Hypervisor hv;
    private final CableNetworks networks;
    private final LabFiles files;
    private final Path stateDirectory;

    LabTeardown(LabState state, Names names, Hypervisor hv, CableNetworks networks, LabFiles files, Path stateDirectory) {
        this.state = state;
        this.names = names;
        this.hv = hv;
        this.networks = networks;
        this.files = files;
        this.stateDirectory = stateDirectory;
    }

    void run() {
        List<String> ours = new ArrayList<>();
        for (StoredMachine m : state.machines) {
            String domain = names.domain(m.name);
            ours.add(domain);
            quietly("remove domain " + domain, () -> {
                if (hv.domainExists(domain)) {
                    hv.destroy(domain);
                    hv.undefine(domain);
                }
                files.removeQemuLog(domain);
            });
        }
        for (StoredCable c : state.cables) {
            ours.add(names.cableNetwork(c.id));
            quietly("remove network " + names.cableNetwork(c.id), () -> networks.remove(names.cableNetwork(c.id)));
        }
        if (state.idleNetwork) {
            ours.add(names.idleNetwork());
            quietly("remove network " + names.idleNetwork(), () -> networks.remove(names.idleNetwork()));
        }
        quietly("remove " + files.root(), files::removeAll);
        state.machines.clear();
        state.cables.clear();
        quietly("remove the lab state", () -> LabState.delete(stateDirectory));
        stopDaemons(ours);
    }

    private void stopDaemons(List<String> ours) {
        if (state.libvirtdPid == 0 && state.virtlogdPid == 0) {
            return;
        }
        List<String> others = new ArrayList<>();
        quietly("list what else libvirtd runs", () -> {
            hv.domains().stream().filter(d -> !ours.contains(d)).forEach(others::add);
            hv.networks().stream().filter(n -> !ours.contains(n) && !n.equals("default")).forEach(others::add);
        });
        if (!others.isEmpty()) {
            LOG.info("leaving libvirtd (pid {}) running: it holds {} that this lab did not create", state.libvirtdPid, others);
            return;
        }
        LibvirtDaemons.stop(state.libvirtdPid, "libvirtd");
        LibvirtDaemons.stop(state.virtlogdPid, "virtlogd");
    }

    private static void quietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, e.getMessage());
        }
    }
}
