package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.routing.anycast.AnycastEngine;
import io.kubermesh.routing.anycast.AnycastEvent;
import io.kubermesh.routing.anycast.AnycastHealth;
import io.kubermesh.routing.anycast.NetworkProber;
import io.kubermesh.routing.anycast.StubAnnouncer;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anycast health on this node (ARCHITECTURE.md, "Routing and anycast"): every anycast service of
 * the cluster is checked against the node's own host address with the service's check, interval,
 * rise and fall; while a service passes here its /128 is on the stub interface, where the
 * routing daemon announces it, and it is withdrawn when it fails and when the agent stops. A
 * service that does not run on this node fails its check and is never announced, so the node
 * holds exactly the services it serves. Every change is logged.
 */
public final class AnycastPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(AnycastPorts.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

    private final AddressPlan plan;
    private final AgentSettings settings;
    private final Clock clock;
    private final Optional<String> netns;
    private Rtnetlink netlink;
    private NetworkProber prober;
    private AnycastHealth health;
    /** Kept from the engine's events, so status never waits for a check in progress. */
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    public AnycastPorts(AddressPlan plan, AgentSettings settings, Clock clock) {
        this(plan, settings, clock, Optional.empty());
    }

    /** Checking and announcing in the network namespace {@code netns} instead of the agent's own. */
    public AnycastPorts(AddressPlan plan, AgentSettings settings, Clock clock, Optional<String> netns) {
        this.plan = plan;
        this.settings = settings;
        this.clock = clock;
        this.netns = netns;
    }

    @Override
    public synchronized void started(NodeBlock node) {
        Map<AnycastService, Ipv6Address> services = new LinkedHashMap<>();
        for (AddressPlan.ResolvedService s : plan.anycast()) {
            services.put(s.service(), s.address());
        }
        if (services.isEmpty()) {
            return;
        }
        try {
            netlink = netns.isPresent() ? Rtnetlink.open(netns.get()) : Rtnetlink.open();
            prober = new NetworkProber(InetAddress.getByName(node.host().toString()), CHECK_TIMEOUT, netns, this::nodeTls);
            AnycastEngine engine = new AnycastEngine(services, clock, prober, new StubAnnouncer(netlink, settings.stubName()));
            engine.addListener(AnycastPorts::log);
            engine.addListener(this::track);
            health = AnycastHealth.start(engine, clock);
            LOG.info("anycast health checks on {} for {}", node.host(), services.keySet().stream().map(AnycastService::name).toList());
        } catch (UnknownHostException | RuntimeException e) {
            LOG.error("anycast health checks did not start: {}", e.getMessage());
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

    private void track(AnycastEvent e) {
        switch (e.kind()) {
            case ANNOUNCED -> announced.add(e.service());
            case WITHDRAWN, STOPPED -> announced.remove(e.service());
            default -> {
            }
        }
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

    /** The services whose /128 this node holds now, in configuration order. */
    public List<String> held() {
        return plan.spec().services().stream().map(AnycastService::name).filter(announced::contains).toList();
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        return status.withAnycast(held());
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
        announced.clear();
        if (prober != null) {
            prober.close();
        }
        if (netlink != null) {
            netlink.close();
        }
    }
}
