package io.kubermesh.boot.machine;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * The boot decisions of one node, free of HTTP: what script a machine gets, whether it may read
 * its Ignition config, and how phone-home moves its state (ARCHITECTURE.md, "Trust").
 *
 * <p>A request is judged by the port of this node it came in on ({@code clusterI}; the HTTP
 * layer names it, or passes an empty string for a request that came in on none). The record of a
 * machine belongs to the port that discovered it: only that port may change it, and a record
 * owned by another port (of this node or, through the {@link MachineDirectory}, of another) is
 * not taken over while its machine is not installed. An installed machine boots from its disk
 * wherever it is plugged in; its record cannot go back (only {@link #reset}, the operator's).
 *
 * <p>Each time the installer is served, the machine gets a fresh per-boot secret in its boot
 * chain; its Ignition config and its phone-home need it. The {@link Enrolment} decides who is
 * served at all: a denied machine gets nothing (no record), a pending one is recorded as
 * discovered and told to wait, an admitted one is installed and gets its credentials in its
 * Ignition config.
 *
 * <p>The directory is read before every decision that may change a record and written with
 * compare-and-set; when it cannot answer, the request fails ({@link Decision.Unavailable}) rather
 * than this node deciding alone.
 */
public final class MachineService {
    private static final Logger LOG = LoggerFactory.getLogger(MachineService.class);

    private final MachineStore store;
    private final ProfileCatalog catalog;
    private final Clock clock;
    private final MachineDirectory directory;
    private final Enrolment enrolment;
    private final String node;

    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock) {
        this(store, catalog, clock, MachineDirectory.NONE);
    }

    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock, MachineDirectory directory) {
        this(store, catalog, clock, directory, Enrolment.OPEN, "");
    }

    /** With the cluster's enrolment: an Ignition config only for an admitted machine, with its credentials. */
    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock, MachineDirectory directory,
                          Enrolment enrolment) {
        this(store, catalog, clock, directory, enrolment, "");
    }

    /**
     * @param node this node's identity MAC as text (the owner written into the records it makes)
     */
    public MachineService(MachineStore store, ProfileCatalog catalog, Clock clock, MachineDirectory directory,
                          Enrolment enrolment, String node) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.directory = directory;
        this.enrolment = enrolment;
        this.node = node;
    }

    /** What iPXE told us about itself. */
    public record Facts(MacAddress mac, String uuid, String arch, String serial) {
    }

    /** What to tell a booting machine. */
    public sealed interface Decision {
        /** Boot the installer of this profile; {@code bootSecret} goes into its boot chain. */
        record Install(Machine machine, Profile profile, String why, String bootSecret) implements Decision {
            @Override
            public String toString() {
                return "Install[" + machine.mac() + ", profile " + profile.id() + ", secret <redacted>]";
            }
        }

        /** It is installed: boot from its disk. */
        record BootDisk(Machine machine) implements Decision {
        }

        /** No profile matches: say why, retry later. */
        record NoProfile(Machine machine, String why) implements Decision {
        }

        /** Enrolment pending (policy {@code approve}): recorded as discovered, wait and retry. */
        record Pending(Machine machine) implements Decision {
        }

        /** Refused: not admitted, not from its own port, or not from one of this node's ports. */
        record Refused(int httpStatus, String why) implements Decision {
        }

        /** The machine directory could not answer: nothing decided, the client retries. */
        record Unavailable(String why) implements Decision {
        }
    }

    /** The answer to a secret-bearing or record-changing request. */
    public sealed interface Access<T> {
        record Granted<T>(T value) implements Access<T> {
            @Override
            public String toString() {
                return "Granted[<value>]";
            }
        }

        record Denied<T>(int httpStatus, String why) implements Access<T> {
        }
    }

    /** Records the machine (discovering it if new) and decides; serving the installer moves it to INSTALLING. */
    public synchronized Decision boot(Facts f, String port) {
        if (port.isEmpty()) {
            return new Decision.Refused(403, "not from one of this node's ports");
        }
        Enrolment.Verdict verdict = enrolment.verdict(f.mac());
        if (verdict == Enrolment.Verdict.DENIED) {
            return new Decision.Refused(403, f.mac() + " is not admitted to this cluster");
        }
        String now = clock.instant().toString();
        Optional<Machine> local = store.get(f.mac());
        if (local.isPresent() && local.get().state().bootsFromDisk()) {
            // Installed: no directory round trip on every disk boot; only its own port updates what it saw.
            Machine m = local.get();
            if (m.ownedBy(node, port, true)) {
                m = m.seen(f.uuid(), f.arch(), f.serial(), m.profile(), now);
                store.put(m);
            }
            return new Decision.BootDisk(m);
        }
        Optional<MachineDirectory.Versioned> shared;
        try {
            shared = directory.find(f.mac());
        } catch (KubermeshException e) {
            LOG.warn("machine directory could not read {}: {}; the request fails", f.mac(), e.getMessage());
            return new Decision.Unavailable("the machine directory did not answer: " + e.getMessage());
        }
        Machine current = furthest(local, shared.map(MachineDirectory.Versioned::machine));
        long version = shared.map(MachineDirectory.Versioned::version).orElse(0L);
        if (current != null && current.state().bootsFromDisk()) {
            // Installed through another neighbour (it moved): boot from its disk here, record unchanged.
            store.put(current);
            LOG.info("machine {} is {} in the machine directory (node {} port {}): boot from disk here on {}",
                    f.mac(), current.state(), current.node(), current.port(), port);
            return new Decision.BootDisk(current);
        }
        if (current != null && !current.ownedBy(node, port, local.isPresent() && shared.isEmpty())) {
            return new Decision.Refused(409, "machine " + f.mac() + " belongs to " + owner(current) + ", not port "
                    + port + "; the operator can reset it (kubermesh machine reset)");
        }
        Machine m = current == null
                ? new Machine(f.mac(), node, port, f.uuid(), f.arch(), f.serial(), "", MachineState.DISCOVERED, now, now)
                : current.ownedBy(node, port);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("mac", f.mac().toString());
        facts.put("uuid", f.uuid());
        facts.put("arch", f.arch());
        facts.put("serial", f.serial());
        facts.put("port", port);
        ProfileCatalog.Selection s = catalog.select(facts);
        m = m.seen(f.uuid(), f.arch(), f.serial(), s.profile().map(Profile::id).orElse(m.profile()), now);
        Decision d;
        if (verdict == Enrolment.Verdict.PENDING) {
            d = new Decision.Pending(m);
        } else if (s.profile().isEmpty()) {
            d = new Decision.NoProfile(m, s.note());
        } else {
            m = m.withState(MachineState.INSTALLING);
            d = null;
        }
        Optional<Decision> failed = write(m, version);
        if (failed.isPresent()) {
            return failed.get();
        }
        return d != null ? d : new Decision.Install(m, s.profile().get(), s.note(), store.newBootSecret(f.mac()));
    }

    /**
     * The machine's Ignition config: its own port, its current boot secret, while it installs, if
     * admitted. {@code server} is the base URL the machine reached this node at; its phone-home URL
     * (with the boot secret) goes into the config.
     */
    public Access<String> ignition(MacAddress mac, String port, String secret, String server) {
        Optional<Machine> m = store.get(mac);
        Optional<Access<String>> no = check(m, mac, port, secret);
        if (no.isPresent()) {
            return no.get();
        }
        if (m.get().state() != MachineState.INSTALLING) {
            return new Access.Denied<>(409, "machine " + mac + " is " + m.get().state()
                    + "; its Ignition config is served while it installs");
        }
        Enrolment.Verdict verdict = enrolment.verdict(mac);
        if (verdict != Enrolment.Verdict.ADMITTED) {
            return new Access.Denied<>(403, "machine " + mac + " is " + verdict.name().toLowerCase(java.util.Locale.ROOT)
                    + " by the enrolment policy");
        }
        Optional<Profile> p = catalog.profile(m.get().profile());
        if (p.isEmpty()) {
            return new Access.Denied<>(404, "machine " + mac + " has no profile");
        }
        List<Ignition.File> credentials;
        try {
            credentials = enrolment.credentials(mac);
        } catch (RuntimeException e) {
            return new Access.Denied<>(503, "no credentials for " + mac + " yet: " + e.getMessage());
        }
        String phoneHome = server + "/machines/" + mac + "/phone-home?secret=" + secret;
        return new Access.Granted<>(IgnitionRenderer.render(p.get(), m.get(), store.secrets(mac), credentials, phoneHome));
    }

    /** Phone-home: moves the machine forward to {@code state}, from its own port with its boot secret. */
    public synchronized Access<Machine> phoneHome(MacAddress mac, String port, String secret, MachineState state) {
        Optional<Machine> m = store.get(mac);
        Optional<Access<Machine>> no = check(m, mac, port, secret);
        if (no.isPresent()) {
            return no.get();
        }
        if (!m.get().state().canMoveTo(state)) {
            return new Access.Denied<>(409, "machine " + mac + " is " + m.get().state() + " and cannot go back to " + state);
        }
        Optional<MachineDirectory.Versioned> shared;
        try {
            shared = directory.find(mac);
        } catch (KubermeshException e) {
            return new Access.Denied<>(503, "the machine directory did not answer: " + e.getMessage());
        }
        if (shared.isPresent() && !shared.get().machine().ownedBy(node, port, false)
                && !shared.get().machine().unclaimed()) {
            return new Access.Denied<>(409, "machine " + mac + " belongs to " + owner(shared.get().machine())
                    + " in the machine directory");
        }
        Machine next = m.get().withState(state).seen(m.get().uuid(), m.get().arch(), m.get().serial(),
                m.get().profile(), clock.instant().toString());
        Optional<Decision> failed = write(next, shared.map(MachineDirectory.Versioned::version).orElse(0L));
        if (failed.isPresent()) {
            return failed.get() instanceof Decision.Refused r ? new Access.Denied<>(r.httpStatus(), r.why())
                    : new Access.Denied<>(503, ((Decision.Unavailable) failed.get()).why());
        }
        return new Access.Granted<>(next);
    }

    /**
     * The operator's reset: the machine goes back to discovered with no owner, so its next network
     * boot (on any port) installs it again. The only way back from installed.
     */
    public synchronized Access<Machine> reset(MacAddress mac) {
        Optional<MachineDirectory.Versioned> shared;
        try {
            shared = directory.find(mac);
        } catch (KubermeshException e) {
            return new Access.Denied<>(503, "the machine directory did not answer: " + e.getMessage());
        }
        Machine current = furthest(store.get(mac), shared.map(MachineDirectory.Versioned::machine));
        if (current == null) {
            return new Access.Denied<>(404, "unknown machine " + mac);
        }
        Machine next = new Machine(mac, "", "", current.uuid(), current.arch(), current.serial(), current.profile(),
                MachineState.DISCOVERED, current.firstSeen(), clock.instant().toString());
        Optional<Decision> failed = write(next, shared.map(MachineDirectory.Versioned::version).orElse(0L));
        if (failed.isPresent()) {
            return new Access.Denied<>(failed.get() instanceof Decision.Refused r ? r.httpStatus() : 503,
                    failed.get().toString());
        }
        LOG.info("machine {} reset by the operator (was {} on {})", mac, current.state(), owner(current));
        return new Access.Granted<>(next);
    }

    private <T> Optional<Access<T>> check(Optional<Machine> m, MacAddress mac, String port, String secret) {
        if (port.isEmpty()) {
            return Optional.of(new Access.Denied<>(403, "not from one of this node's ports"));
        }
        if (m.isEmpty()) {
            return Optional.of(new Access.Denied<>(404, "unknown machine " + mac));
        }
        if (!m.get().ownedBy(node, port, true) || m.get().unclaimed()) {
            return Optional.of(new Access.Denied<>(403, "machine " + mac + " belongs to " + owner(m.get())
                    + ", not port " + port));
        }
        Optional<String> expected = store.bootSecret(mac);
        if (expected.isEmpty() || secret == null || !MessageDigest.isEqual(
                expected.get().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(new Access.Denied<>(403, "machine " + mac + ": missing or wrong boot secret"));
        }
        return Optional.empty();
    }

    /** Shares the change (compare-and-set), then keeps it locally; a failure is the request's answer. */
    private Optional<Decision> write(Machine m, long version) {
        try {
            if (!directory.compareAndSet(m, version)) {
                LOG.warn("machine {}: the machine directory changed while deciding; refused", m.mac());
                return Optional.of(new Decision.Refused(409, "machine " + m.mac() + " changed meanwhile; retry"));
            }
        } catch (KubermeshException e) {
            LOG.warn("machine directory did not take the record of {}: {}; the request fails", m.mac(), e.getMessage());
            return Optional.of(new Decision.Unavailable("the machine directory did not answer: " + e.getMessage()));
        }
        store.put(m);
        return Optional.empty();
    }

    /** The local or the shared record, whichever is further along (the shared one on a tie). */
    private static Machine furthest(Optional<Machine> local, Optional<Machine> shared) {
        if (shared.isEmpty()) {
            return local.orElse(null);
        }
        if (local.isPresent() && local.get().state().ordinal() > shared.get().state().ordinal()) {
            return local.get();
        }
        return shared.get();
    }

    private String owner(Machine m) {
        if (m.unclaimed()) {
            return "no port";
        }
        return (m.node().isEmpty() || m.node().equals(node) ? "port " : "node " + m.node() + " port ") + m.port();
    }

    public MachineStore store() {
        return store;
    }

    /** This node's identity, as written into the records it owns. */
    public String node() {
        return node;
    }
}
