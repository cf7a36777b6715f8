package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.identity.IdentityStore;
import io.kubermesh.addressing.identity.InterfaceMac;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.NodeIdentity;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.NetlinkEvent;
import io.kubermesh.routing.netlink.Rtnetlink;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node runtime: chooses (once) and keeps its identity, gives itself the plan's addresses,
 * follows its ports through netlink events (a cable plugged in is configured and announced to the
 * {@link PortListener}s; one pulled out is forgotten), answers status on its socket, and on
 * {@link #close()} removes what it added.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentSettings settings;
    private final AddressPlan plan;
    private final Rtnetlink netlink;
    private final Clock clock;
    private final List<PortListener> listeners;
    /** Netlink events are handled one at a time, off the netlink thread. */
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "agent-loop"));
    /** The components started so far; only they hear of ports (written on the loop, or before it runs). */
    private final Set<PortListener> started = ConcurrentHashMap.newKeySet();
    private NodeIdentity identity;
    private NodeNetwork network;
    private Rtnetlink.Subscription subscription;
    private StatusEndpoint status;
    private MeshEndpoint mesh;
    private Optional<io.kubermesh.agent.control.VirtioControlPort> virtio = Optional.empty();
    private Instant startedAt;
    private volatile String state = "starting";
    /** Last carrier seen per port, to tell listeners when a cable goes dark or comes back. */
    private final Map<Integer, Boolean> carrier = new ConcurrentHashMap<>();

    @Inject
    public Agent(AgentSettings settings, AddressPlan plan, Rtnetlink netlink, Clock clock, List<PortListener> listeners) {
        this.settings = settings;
        this.plan = plan;
        this.netlink = netlink;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Checks the host (root, the stub link, then every component's requirements: a component
     * whose requirement is missing fails visibly in status, the others run), takes its identity
     * and addresses, and starts following its ports.
     *
     * @throws io.kubermesh.api.EnvironmentException when the node itself cannot run (not root, no stub link)
     */
    public synchronized void start() {
        startedAt = clock.instant();
        Preflight.require(List.of(new Preflight.Need("node", HostRequirements.ROOT),
                new Preflight.Need("node", HostRequirements.STUB_LINK)));
        requireIpv6Sockets();
        List<Preflight.Need> needs = new ArrayList<>();
        listeners.forEach(l -> needs.addAll(l.requirements()));
        List<Preflight.Missing> missing = Preflight.missing(needs);
        if (!missing.isEmpty()) {
            missing.forEach(m -> LOG.error("preflight: {}", m.line()));
            LOG.error("preflight: those components fail until this is run: {}", Preflight.remedy(missing));
        }
        // Where the etcd member runs, the etcd anycast service is expected.
        listeners.stream().filter(ControlPlanePorts.class::isInstance).map(ControlPlanePorts.class::cast).findFirst()
                .ifPresent(cp -> listeners.stream().filter(AnycastPorts.class::isInstance).map(AnycastPorts.class::cast)
                        .forEach(a -> {
                            a.etcdMemberHere(cp::runsMember);
                            a.etcdVoterHere(cp::memberIsVoter);
                        }));
        identity = new IdentityStore(settings.stateDirectory(), clock).loadOrChoose(this::interfaces, Optional.empty());
        LOG.info("node {} identity {} (from {}), host {}", settings.name(), identity.mac(), identity.interfaceName(),
                plan.host(identity.mac()));
        network = new NodeNetwork(netlink, plan, identity.mac(), settings.stubName(),
                SeenPorts.inStateDirectory(settings.stateDirectory()));
        network.ensureStub();
        // The components that start first (routing) start now and get the ports at once; the others
        // start after them on the loop, so port events wait while they start and each of them gets
        // every port configured by then right after its start.
        NodeBlock node = network.node();
        listeners.forEach(l -> l.prepare(node));
        List<PortListener> first = listeners.stream().filter(PortListener::startsFirst).toList();
        for (PortListener l : first) {
            l.started(node);
            started.add(l);
        }
        // Subscribe before reading the links, so a port that appears in between is not missed.
        subscription = netlink.subscribe(event -> loop.execute(() -> handle(event)));
        loop.execute(this::resync);
        Future<?> others = loop.submit(() -> {
            for (PortListener l : listeners) {
                if (!started.contains(l)) {
                    l.started(node);
                    started.add(l);
                    for (int i : new TreeSet<>(network.ports())) {
                        l.portUp(node.port(i));
                    }
                }
            }
        });
        try {
            others.get();
        } catch (ExecutionException e) {
            // A component's start failed as it would have on this thread: its own exception or error.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a component failed to start: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent's components started", e);
        }
        // The control endpoint: on the Unix socket, and on the virtio-serial port when this is a VM that has one.
        var control = new io.kubermesh.agent.control.AgentControl(
                new NodeControl(this, netlink, NodeControl.adjacencies(listeners), () -> listeners.stream()
                        .filter(ControlPlanePorts.class::isInstance).map(l -> ((ControlPlanePorts) l).enrolment()).findFirst(),
                        NodeControl.bootClients(listeners), NodeControl.routingDaemon(listeners)));
        status = new StatusEndpoint(settings.stateDirectory(), control);
        virtio = io.kubermesh.agent.control.VirtioControlPort.startIfPresent(
                java.nio.file.Path.of(io.kubermesh.agent.control.VirtioControlPort.DEVICE), control);
        // And on the mesh, for other machines' agents (read-only, node certificates only).
        java.util.function.Predicate<io.kubermesh.api.MacAddress> denied = mac -> listeners.stream()
                .filter(ControlPlanePorts.class::isInstance).map(l -> ((ControlPlanePorts) l).enrolment())
                .filter(java.util.Objects::nonNull).anyMatch(e -> e.denied(mac));
        mesh = MeshEndpoint.start(settings.stateDirectory(), network.node().host(),
                io.kubermesh.agent.control.MeshControl.PORT, control, denied, clock);
        state = "running";
    }

    /**
     * A JVM decides once, when it starts, whether it can open IPv6 sockets: only if its network
     * namespace had an IPv6 address then (lo up is enough). Without them every check, etcd call
     * and boot service would fail one by one; this says why at once.
     */
    private static void requireIpv6Sockets() {
        try (java.nio.channels.DatagramChannel c = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
            c.isOpen();
        } catch (UnsupportedOperationException | java.io.IOException e) {
            throw new io.kubermesh.api.EnvironmentException("this JVM cannot open IPv6 sockets (" + e.getMessage()
                    + "): it started in a network namespace with no IPv6 address", "bring lo up (ip link set lo up) before"
                    + " starting the agent");
        }
    }

    private List<InterfaceMac> interfaces() {
        List<InterfaceMac> out = new ArrayList<>();
        for (Link l : netlink.links()) {
            if (l.mac().isPresent() && !l.name().equals("lo") && !l.name().equals(settings.stubName())) {
                out.add(new InterfaceMac(l.name(), l.mac().get()));
            }
        }
        return out;
    }

    private void handle(NetlinkEvent event) {
        try {
            if (event instanceof NetlinkEvent.Overrun) {
                resync();
            } else if (event instanceof NetlinkEvent.LinkChanged lc) {
                int index = network.portIndex(lc.link().name());
                if (index < 0) {
                    return;
                }
                if (lc.removed()) {
                    linkGone(index);
                } else {
                    configure(index);
                    carrierSeen(index, lc.link().lowerUp());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("handling {}: {}", event, e.toString());
        }
    }

    private void resync() {
        Set<Integer> present = new TreeSet<>();
        for (Link l : netlink.links()) {
            int index = network.portIndex(l.name());
            if (index >= 0) {
                present.add(index);
                configure(index);
                carrierSeen(index, l.lowerUp());
            }
        }
        for (int gone : network.ports()) {
            if (!present.contains(gone)) {
                linkGone(gone);
            }
        }
    }

    /**
     * The carrier of port {@code index} as just seen (an event, or a resync after start or after
     * events were lost): the listeners hear when it differs from the last seen.
     */
    private void carrierSeen(int index, boolean lowerUp) {
        Boolean before = carrier.put(index, lowerUp);
        if (before != null && before != lowerUp) {
            PortPrefix p = network.node().port(index);
            LOG.info("port {} carrier {}", index, lowerUp ? "back" : "lost");
            active().forEach(l -> l.carrierChanged(p, lowerUp));
        }
    }

    /** Port {@code index}'s link went away: a cable that carried a link went dark with it, then the port is down. */
    private void linkGone(int index) {
        Boolean had = carrier.remove(index);
        if (network.ports().contains(index)) {
            network.portGone(index);
            PortPrefix p = network.node().port(index);
            if (Boolean.TRUE.equals(had)) {
                LOG.info("port {} carrier lost with its link", index);
                active().forEach(l -> l.carrierChanged(p, false));
            }
            active().forEach(l -> l.portDown(p));
        }
    }

    private void configure(int index) {
        boolean known = network.ports().contains(index);
        network.ensurePort(index);
        if (!known) {
            PortPrefix p = network.node().port(index);
            active().forEach(l -> l.portUp(p));
        }
    }

    /** The started components, in the order they were installed (the order they stop in). */
    private List<PortListener> active() {
        return listeners.stream().filter(started::contains).toList();
    }

    /** The status as the endpoint serves it. */
    public NodeStatus status() {
        NodeBlock n = network.node();
        List<NodeStatus.Port> ports = new ArrayList<>();
        for (int i : new TreeSet<>(network.ports())) {
            PortPrefix p = n.port(i);
            ports.add(new NodeStatus.Port(i, p.interfaceName(), p.prefix().toString(), p.thisEnd().toString(), null));
        }
        NodeStatus s = new NodeStatus(settings.name(), state, identity.mac().toString(), n.host().toString(),
                n.block().toString(), n.pods().toString(), settings.stubName(), ports, List.of(), startedAt.toString(),
                clock.instant().toString(), null, null);
        for (PortListener l : listeners) {
            if (l instanceof StatusContributor c) {
                s = c.contribute(s);
            }
        }
        MeshEndpoint m = mesh;
        return m == null ? s : s.withComponents(List.of(m.view()));
    }

    /** What the agent at {@code host} answers to {@code request} over the mesh ({@link MeshEndpoint#relay}). */
    String relay(io.kubermesh.api.Ipv6Address host, String request) {
        MeshEndpoint m = mesh;
        if (m == null) {
            throw new IllegalStateException("the agent has not started its control endpoints yet");
        }
        return m.relay(host, request);
    }

    public NodeIdentity identity() {
        return identity;
    }

    public NodeNetwork network() {
        return network;
    }

    /** Stops following events and removes what this agent added; never throws. */
    @Override
    public synchronized void close() {
        state = "stopping";
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("closing netlink subscription: {}", e.toString());
            }
        }
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (status != null) {
            status.close();
        }
        if (mesh != null) {
            mesh.close();
        }
        virtio.ifPresent(io.kubermesh.agent.control.VirtioControlPort::close);
        if (network != null) {
            for (int i : network.ports()) {
                PortPrefix p = network.node().port(i);
                active().forEach(l -> l.portDown(p));
            }
            for (PortListener l : listeners) {
                try {
                    l.stopped();
                } catch (RuntimeException e) {
                    LOG.warn("stopping {}: {}", l, e.toString());
                }
            }
            network.teardown();
        }
    }
}
