package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.routing.anycast.AnycastEngine;
import io.kubermesh.routing.anycast.AnycastEvent;
import io.kubermesh.routing.anycast.AnycastHealth;
import io.kubermesh.routing.anycast.NetworkProber;
import io.kubermesh.routing.anycast.Prober;
import io.kubermesh.routing.anycast.StubAnnouncer;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anycast health on this node (ARCHITECTURE.md, "Routing and anycast"): every anycast service of
 * the cluster is checked against the node's own host address with the service's check, interval,
 * rise and fall; while a service passes here its /128 is on the stub interface, where the
 * routing daemon announces it, and it is withdrawn when it fails and when the agent stops. A
 * service that does not run on this node fails its check and is never announced, so the node
 * holds exactly the services it serves. Every change is logged.
 *
 * <p>Fail-safe: each /128 is added with a lifetime that every passing check renews
 * ({@link AnycastEngine#lifetime}), so when the agent dies (SIGKILL) the kernel removes it a few
 * check intervals later and the daemon withdraws it. A restarted agent finds the /128s still on
 * the stub and takes them over. Status reports what is on the stub (read back), not what the
 * checker believes, and per service a component: {@code running} while held, {@code starting}
 * or {@code failed} where the service is expected ({@link AnycastService#expected()}) and not
 * held, {@code off} where it is not expected and not held.
 *
 * <p>The services expected where etcd members run ({@code etcdMembers}) fail here, whatever their
 * check says, while this node's member is not a voter ({@link #etcdVoterHere}): a learner answers
 * {@code /health}, yet refuses linearizable reads and writes with UNAVAILABLE, which clients retry
 * until their deadline; the nodes nearest to it would get no answer from etcd at all.
 */
public final class AnycastPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(AnycastPorts.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);
    /** How long an expected service may take to pass its first checks before it counts as failed. */
    private static final Duration START_GRACE = Duration.ofSeconds(30);

    private final AddressPlan plan;
    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final Clock clock;
    private final Optional<String> netns;
    private final Map<String, Ipv6Address> addresses = new LinkedHashMap<>();
    private final Map<String, ComponentHealth> components = new LinkedHashMap<>();
    /** When each service became expected here (and not held), for the start grace. */
    private final Map<String, Instant> expectedSince = new ConcurrentHashMap<>();
    /** Services held at least once since they became expected: losing one then is a failure at once. */
    private final Set<String> heldOnce = ConcurrentHashMap.newKeySet();
    private volatile BooleanSupplier etcdMemberHere = () -> false;
    private volatile BooleanSupplier etcdVoterHere = () -> true;
    /** Per service: why its last check failed before it was made (a learner here), while that holds. */
    private final Map<String, String> vetoed = new ConcurrentHashMap<>();
    private Rtnetlink netlink;
    private NetworkProber prober;
    private AnycastHealth health;
    private String startError;

    public AnycastPorts(AddressPlan plan, AgentSettings settings, Clock clock) {
        this(plan, settings, clock, Optional.empty());
    }

    /** Checking and announcing in the network namespace {@code netns} instead of the agent's own. */
    public AnycastPorts(AddressPlan plan, AgentSettings settings, Clock clock, Optional<String> netns) {
        this.plan = plan;
        this.spec = plan.spec();
        this.settings = settings;
        this.clock = clock;
        this.netns = netns;
        for (AnycastService s : spec.services()) {
            components.put(s.name(), new ComponentHealth("anycast/" + s.name(), clock));
        }
    }

    /** Tells where the etcd member runs: services {@code expected: etcdMembers} are expected while it says true. */
    public void etcdMemberHere(BooleanSupplier member) {
        this.etcdMemberHere = member;
    }

    /**
     * Tells whether this node's etcd member is a voter: while it says false the services expected
     * where etcd members run fail their checks here. Unset, nothing is vetoed.
     */
    public void etcdVoterHere(BooleanSupplier voter) {
        this.etcdVoterHere = voter;
    }

    /** The check the engine runs: the service's own, unless a learner here must not serve it. */
    boolean check(AnycastService s, Prober own) {
        if (s.expected() == AnycastService.Expected.ETCD_MEMBERS && !etcdVoterHere.getAsBoolean()) {
            if (vetoed.put(s.name(), LEARNER) == null) {
                LOG.info("anycast {}: not checked while this node's etcd member is not a voter", s.name());
            }
            return false;
        }
        vetoed.remove(s.name());
        return own.check(s);
    }

    static final String LEARNER = "this node's etcd member is not a voter yet (a learner refuses linearizable reads and writes)";

    @Override
    public synchronized void started(NodeBlock node) {
        Map<AnycastService, Ipv6Address> services = new LinkedHashMap<>();
        for (AddressPlan.ResolvedService s : plan.anycast()) {
            services.put(s.service(), s.address());
            addresses.put(s.name(), s.address());
        }
        if (services.isEmpty()) {
            return;
        }
        try {
            netlink = netns.isPresent() ? Rtnetlink.open(netns.get()) : Rtnetlink.open();
            prober = new NetworkProber(InetAddress.getByName(node.host().toString()), CHECK_TIMEOUT, netns, this::nodeTls);
            // An earlier agent's announcements still on the stub (it was killed): taken over, so a
            // healthy service is not withdrawn and re-announced, and an unhealthy one lapses or falls.
            Set<Ipv6Address> found = new HashSet<>(onStub());
            found.retainAll(services.values());
            if (!found.isEmpty()) {
                LOG.info("anycast: taking over {} still on {}", found, settings.stubName());
            }
            NetworkProber own = prober;
            AnycastEngine engine = new AnycastEngine(services, clock, svc -> check(svc, own),
                    new StubAnnouncer(netlink, settings.stubName()), found);
            engine.addListener(AnycastPorts::log);
            health = AnycastHealth.start(engine, clock);
            LOG.info("anycast health checks on {} for {}", node.host(), services.keySet().stream().map(AnycastService::name).toList());
        } catch (UnknownHostException | RuntimeException e) {
            startError = "anycast health checks did not start: " + e.getMessage();
            LOG.error(startError);
        }
    }

    /** The node's TLS context for {@code https} checks, once its credentials are in {@code STATE/pki}. */
    private volatile javax.net.ssl.SSLContext tls;

    private Optional<javax.net.ssl.SSLContext> nodeTls() {
        if (tls == null) {
            java.nio.file.Path pki = io.kubermesh.controlplane.pki.PkiFiles.directory(settings.stateDirectory());
            if (io.kubermesh.controlplane.pki.NodeCredentials.present(pki, io.kubermesh.controlplane.pki.PkiFiles.NODE)) {
                tls = io.kubermesh.controlplane.pki.NodeCredentials.read(pki, io.kubermesh.controlplane.pki.PkiFiles.NODE)
                        .sslContext();
            }
        }
        return Optional.ofNullable(tls);
    }

    private Set<Ipv6Address> onStub() {
        Set<Ipv6Address> out = new HashSet<>();
        for (InterfaceAddress a : netlink.addresses(settings.stubName())) {
            if (a.prefixLength() == 128) {
                out.add(a.address());
            }
        }
        return out;
    }

    private static void log(AnycastEvent e) {
        switch (e.kind()) {
            case ANNOUNCED, WITHDRAWN, STOPPED ->
                    LOG.info("anycast {} {} {} after {} check(s)", e.service(), e.address(), e.kind().name().toLowerCase(),
                            e.consecutive());
            case ANNOUNCE_FAILED, WITHDRAW_FAILED ->
                    LOG.warn("anycast {} {} {}: {}", e.service(), e.address(), e.kind().name().toLowerCase(), e.detail());
            default -> LOG.info("anycast {} check {}", e.service(), e.kind().name().toLowerCase());
        }
    }

    /** The services whose /128 is on the stub now (read back from the kernel), in configuration order. */
    public List<String> held() {
        Set<Ipv6Address> on;
        synchronized (this) {
            if (netlink == null) {
                return List.of();
            }
            try {
                on = onStub();
            } catch (RuntimeException e) {
                return List.of();
            }
        }
        return spec.services().stream().map(AnycastService::name)
                .filter(n -> addresses.containsKey(n) && on.contains(addresses.get(n))).toList();
    }

    /** Whether the service's server is expected on this node now. */
    boolean expectedHere(AnycastService s) {
        return switch (s.expected()) {
            case ALL_NODES -> true;
            case OPTIONAL -> false;
            case ETCD_MEMBERS -> spec.controlPlane().etcd() && etcdMemberHere.getAsBoolean();
        };
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        List<String> held = held();
        List<ComponentStatus> out = new ArrayList<>();
        Instant now = clock.instant();
        for (AnycastService s : spec.services()) {
            ComponentHealth c = components.get(s.name());
            boolean expected = expectedHere(s);
            Optional<String> failure = Optional.ofNullable(vetoed.get(s.name()))
                    .or(() -> prober == null ? Optional.empty() : prober.lastFailure(s.name()));
            if (held.contains(s.name())) {
                c.running("held: " + addresses.get(s.name()) + " on " + settings.stubName());
                if (expected) {
                    heldOnce.add(s.name());
                }
            } else if (!expected) {
                expectedSince.remove(s.name());
                heldOnce.remove(s.name());
                c.off(offReason(s) + failure.map(f -> "; " + f).orElse(""));
            } else if (startError != null) {
                c.failed(startError);
            } else {
                Instant since = expectedSince.computeIfAbsent(s.name(), n -> now);
                String why = failure.orElse("its check has not passed " + s.rise() + " time(s) yet");
                if (heldOnce.contains(s.name()) || Duration.between(since, now).compareTo(START_GRACE) > 0) {
                    c.failed("not held: " + why);
                } else {
                    c.starting("checking " + s.check() + " on port " + s.port());
                    c.error(failure.orElse(null));
                }
            }
            out.add(c.view());
        }
        return status.withAnycast(held).withComponents(out);
    }

    private String offReason(AnycastService s) {
        return switch (s.expected()) {
            case OPTIONAL -> "optional: nothing serves it here";
            case ETCD_MEMBERS -> spec.controlPlane().etcd() ? "no etcd member here" : "controlPlane.etcdMembers is 0";
            case ALL_NODES -> "expected everywhere";
        };
    }

    /** Withdraws every /128 held, before the routing daemon stops. */
    @Override
    public synchronized void stopped() {
        if (health != null) {
            try {
                health.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping anycast health: {}", e.getMessage());
            }
            health = null;
        }
        if (prober != null) {
            prober.close();
            prober = null;
        }
        if (netlink != null) {
            netlink.close();
            netlink = null;
        }
        components.values().forEach(c -> c.off("the agent stopped"));
    }
}
