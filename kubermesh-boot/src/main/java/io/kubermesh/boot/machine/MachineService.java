package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * The boot decisions, free of HTTP: what script a machine gets, whether it may read its Ignition
 * config, and how phone-home moves its state. A machine is identified by its MAC and the port it
 * came in on; the port is recorded at discovery and every later secret-bearing request must come
 * in on that same port.
 *
 * <p>Records are also shared through a {@link MachineDirectory}: a machine this node does not know,
 * or knows only as not yet installed, is looked up there, and every change is written there. A
 * machine found there is taken over on the port it now comes in on (it moved), keeping the
 * furthest state, so an installed machine boots from its disk on any neighbour. The directory
 * failing never fails a boot: the local store decides alone.
 */
public final class MachineService {
    private static final Logger LOG = LoggerFactory.getLogger(MachineService.class);

    private final MachineStore store;
    private final ProfileCatalog catalog;
    private final Clock clock;
    private final MachineDirectory directory;
    private final Enrolment enrolment;

    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock) {
        this(store, catalog, clock, MachineDirectory.NONE);
    }

    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock, MachineDirectory directory) {
        this(store, catalog, clock, directory, Enrolment.OPEN);
    }

    /** With the cluster's enrolment: an Ignition config only for an admitted machine, with its credentials. */
    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock, MachineDirectory directory,
                          Enrolment enrolment) {
        this.enrolment = enrolment;
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.directory = directory;
    }

    /** What iPXE told us about itself. */
    public record Facts(MacAddress mac, String uuid, String arch, String serial) {
    }

    /** What to tell a booting machine. */
    public sealed interface Decision {
        /** Boot the installer of this profile. */
        record Install(Machine machine, Profile profile, String why) implements Decision {
        }

        /** It is installed: boot from its disk. */
        record BootDisk(Machine machine) implements Decision {
        }

        /** No profile matches: say why, retry later. */
        record NoProfile(Machine machine, String why) implements Decision {
        }
    }

    /** Records the machine (discovering it if new) and decides; serving the installer moves it to INSTALLING. */
    public synchronized Decision boot(Facts f, String port) {
        String now = clock.instant().toString();
        Machine m = known(f.mac(), port).orElseGet(() ->
                new Machine(f.mac(), port, f.uuid(), f.arch(), f.serial(), "", MachineState.DISCOVERED, now, now));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("mac", f.mac().toString());
        facts.put("uuid", f.uuid());
        facts.put("arch", f.arch());
        facts.put("serial", f.serial());
        facts.put("port", port);
        ProfileCatalog.Selection s = catalog.select(facts);
        m = m.seen(f.uuid(), f.arch(), f.serial(), s.profile().map(Profile::id).orElse(m.profile()), now);
        if (m.state().bootsFromDisk()) {
            save(m);
            return new Decision.BootDisk(m);
        }
        if (s.profile().isEmpty()) {
            save(m);
            return new Decision.NoProfile(m, s.note());
        }
        m = m.withState(MachineState.INSTALLING);
        save(m);
        return new Decision.Install(m, s.profile().get(), s.note());
    }

    /** The answer to a secret-bearing request. */
    public sealed interface Access<T> {
        record Granted<T>(T value) implements Access<T> {
        }

        record Denied<T>(int httpStatus, String why) implements Access<T> {
        }
    }

    /** The machine's Ignition config, only for its own MAC on its own port. */
    public Access<String> ignition(MacAddress mac, String port) {
        Optional<Machine> m = store.get(mac);
        if (m.isEmpty()) {
            return new Access.Denied<>(404, "unknown machine " + mac);
        }
        if (!m.get().port().equals(port)) {
            return new Access.Denied<>(403, "machine " + mac + " belongs to port " + m.get().port() + ", not " + port);
        }
        Optional<Profile> p = catalog.profile(m.get().profile());
        if (p.isEmpty()) {
            return new Access.Denied<>(404, "machine " + mac + " has no profile");
        }
        Enrolment.Verdict verdict = enrolment.verdict(mac);
        if (verdict != Enrolment.Verdict.ADMITTED) {
            return new Access.Denied<>(403, "machine " + mac + " is " + verdict.name().toLowerCase() + " by the enrolment policy");
        }
        List<Ignition.File> credentials;
        try {
            credentials = enrolment.credentials(mac);
        } catch (RuntimeException e) {
            return new Access.Denied<>(503, "no credentials for " + mac + " yet: " + e.getMessage());
        }
        return new Access.Granted<>(IgnitionRenderer.render(p.get(), m.get(), store.secrets(mac), credentials));
    }

    /** Phone-home: moves the machine forward to {@code state}, from its own port only. */
    public synchronized Access<Machine> phoneHome(MacAddress mac, String port, MachineState state) {
        Optional<Machine> m = store.get(mac);
        if (m.isEmpty()) {
            return new Access.Denied<>(404, "unknown machine " + mac);
        }
        if (!m.get().port().equals(port)) {
            return new Access.Denied<>(403, "machine " + mac + " belongs to port " + m.get().port() + ", not " + port);
        }
        if (!m.get().state().canMoveTo(state)) {
            return new Access.Denied<>(409, "machine " + mac + " is " + m.get().state() + " and cannot go back to " + state);
        }
        Machine next = m.get().withState(state).seen(m.get().uuid(), m.get().arch(), m.get().serial(), m.get().profile(),
                clock.instant().toString());
        save(next);
        return new Access.Granted<>(next);
    }

    /**
     * The local record, unless the directory knows the machine further along (installed through
     * another neighbour): then the directory's record, taken over on {@code port}.
     */
    private Optional<Machine> known(MacAddress mac, String port) {
        Optional<Machine> local = store.get(mac);
        if (local.isPresent() && local.get().state().bootsFromDisk()) {
            return local;
        }
        Optional<Machine> shared;
        try {
            shared = directory.find(mac);
        } catch (RuntimeException e) {
            LOG.warn("machine directory unreachable for {}, deciding from the local record: {}", mac, e.getMessage());
            return local;
        }
        if (shared.isEmpty() || !shared.get().mac().equals(mac)
                || local.isPresent() && !local.get().state().canMoveTo(shared.get().state())
                || local.isPresent() && local.get().state() == shared.get().state()) {
            return local;
        }
        Machine s = shared.get();
        LOG.info("machine {} is {} in the machine directory (last port {}): taken over on port {}", mac, s.state(),
                s.port(), port);
        return Optional.of(new Machine(mac, port, s.uuid(), s.arch(), s.serial(), s.profile(), s.state(),
                local.map(Machine::firstSeen).orElse(s.firstSeen()), s.lastSeen()));
    }

    /** Writes locally, then shares; a directory failure is logged, never raised. */
    private void save(Machine m) {
        store.put(m);
        try {
            directory.record(m);
        } catch (RuntimeException e) {
            LOG.warn("machine directory did not take the record of {}: {}", m.mac(), e.getMessage());
        }
    }

    public MachineStore store() {
        return store;
    }
}
