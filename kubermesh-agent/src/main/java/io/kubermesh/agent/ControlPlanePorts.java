package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.controlplane.etcd.EtcdBinary;
import io.kubermesh.controlplane.node.EtcdNode;
import io.kubermesh.controlplane.node.EtcdNodeSettings;
import io.kubermesh.controlplane.node.EtcdNodeStatus;
import io.kubermesh.controlplane.node.NodeIpv4;
import io.kubermesh.controlplane.pki.FirstMachine;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import io.kubermesh.routing.daemon.RoutingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane on this node (ARCHITECTURE.md, "Control plane"): an {@link EtcdNode} that
 * bootstraps, joins, takes up or heals the etcd cluster reached at the etcd anycast address, and
 * the node's IPv4 address allocated in that etcd. {@link AnycastPorts} announces the etcd anycast
 * address while the member here answers its health check. Off when the cluster has no
 * {@code etcd} anycast service.
 */
public final class ControlPlanePorts implements PortListener, StatusContributor {
    /** The anycast service that fronts etcd. */
    public static final String SERVICE = "etcd";
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlanePorts.class);

    private final AddressPlan plan;
    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final boolean bootstrap;
    private final Clock clock;
    private final EtcdMachineDirectory machines;
    private final ClusterEnrolment enrolment;
    private final ComponentHealth etcdHealth = new ComponentHealth("etcd", Clock.systemUTC());
    private final ComponentHealth ipv4Health = new ComponentHealth("ipv4", Clock.systemUTC());
    /** Written under this object's lock, read without it (the status must not wait for a start or a stop). */
    private volatile EtcdNode node;
    private volatile NodeIpv4 ipv4;
    private Rtnetlink netlink;
    /** Set on the etcd node's thread once the address is on the stub. */
    private volatile NodeIpv4Address ipv4Address;
    private final EtcdMemberHealth memberHealth;
    /** Why the first machine's credentials could not be made ({@link #prepare}), or null. */
    private String trustFailure;

    /**
     * @param bootstrap true on the first machine (the lab's gateway, the USB-booted seed): with no
     *     etcd data it starts a new one-member cluster that the others join
     */
    public ControlPlanePorts(AddressPlan plan, AgentSettings settings, boolean bootstrap, Clock clock) {
        this(plan, settings, bootstrap, clock, null);
    }

    /**
     * As above; once etcd answers at its anycast address, {@code machines} (the boot services'
     * machine directory; {@code null} for none) is attached to it.
     */
    public ControlPlanePorts(AddressPlan plan, AgentSettings settings, boolean bootstrap, Clock clock,
                             EtcdMachineDirectory machines) {
        this(plan, settings, bootstrap, clock, machines, new ClusterEnrolment(plan, settings, clock));
    }

    /**
     * As above, with the cluster's enrolment: when this node leads etcd, it signs a machine's
     * certificate only if {@code enrolment} admits the machine. On the first machine
     * ({@code bootstrap}) the cluster CA, its node certificate and the routing key are made in
     * {@code STATE/pki} when missing.
     */
    public ControlPlanePorts(AddressPlan plan, AgentSettings settings, boolean bootstrap, Clock clock,
                             EtcdMachineDirectory machines, ClusterEnrolment enrolment) {
        this.enrolment = enrolment;
        this.machines = machines;
        this.plan = plan;
        this.spec = plan.spec();
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.clock = clock;
        this.memberHealth = new EtcdMemberHealth(etcdHealth, clock, settings.stateDirectory().resolve("etcd"));
    }

    /** The cluster's enrolment as this node sees it (the operator's decisions go through it). */
    ClusterEnrolment enrolment() {
        return enrolment;
    }

    /**
     * On the first machine, the cluster CA, its node certificate and the routing key, made before
     * any component starts: the routing daemon, which starts first, authenticates with the key.
     * The first machine's trust does not depend on etcd: routing is authenticated with the routing
     * key even in a cluster that runs no control plane.
     */
    @Override
    public synchronized void prepare(NodeBlock block) {
        if (!bootstrap) {
            return;
        }
        try {
            FirstMachine.ensure(settings.stateDirectory(), spec.name(), block.mac(), clock.instant());
            Path key = PkiFiles.routingKey(settings.stateDirectory());
            if (!Files.exists(key)) {
                RoutingKey.generate(new SecureRandom()).write(key);
                LOG.info("trust: cluster CA, node certificate and routing key made in {}",
                        PkiFiles.directory(settings.stateDirectory()));
            }
        } catch (RuntimeException e) {
            LOG.error("trust: the first machine's credentials could not be made: {}", e.getMessage());
            trustFailure = e.getMessage();
        }
    }

    @Override
    public synchronized void started(NodeBlock block) {
        if (trustFailure != null) {
            etcdHealth.failed("the first machine's credentials could not be made: " + trustFailure);
            ipv4Health.failed("no control plane: the first machine's credentials could not be made");
            return;
        }
        Optional<AddressPlan.ResolvedService> etcd = plan.anycast().stream()
                .filter(s -> s.name().equals(SERVICE)).findFirst();
        if (!spec.controlPlane().etcd()) {
            LOG.info("controlPlane.etcdMembers is 0: this node runs no control plane");
            etcdHealth.off("controlPlane.etcdMembers is 0");
            ipv4Health.off("IPv4 addresses are allocated through etcd, which is off");
            return;
        }
        if (etcd.isEmpty()) {
            LOG.info("no {} anycast service in the cluster file: this node runs no control plane", SERVICE);
            etcdHealth.off("no etcd anycast service in the cluster file");
            ipv4Health.off("IPv4 addresses are allocated through etcd, which is off");
            return;
        }
        try {
            EtcdBinary.locate();
            netlink = Rtnetlink.open();
            NodeIpv4Address stubAddress = new NodeIpv4Address(netlink, settings.stubName(), block);
            EtcdNodeSettings s = new EtcdNodeSettings(settings.name(), block.host(), etcd.get().address(), etcd.get().port(),
                    settings.stateDirectory(), bootstrap, spec.controlPlane(), "kubermesh-" + spec.name(),
                    Duration.ofMillis(300), Duration.ofMillis(3000), Duration.ofSeconds(1));
            node = new EtcdNode(s, clock, enrolment::admitted);
            ipv4 = new NodeIpv4(block.mac().toString(), spec.ipv4());
            node.untilDone(ipv4);
            // Once allocated, the address goes on the stub (on the etcd node's thread, like the allocation).
            node.untilDone(client -> {
                Optional<io.kubermesh.api.Ipv4Prefix> a = ipv4.address();
                if (a.isEmpty()) {
                    return false;
                }
                stubAddress.configure(a.get().network());
                ipv4Address = stubAddress;
                LOG.info("IPv4 node address {} on {}, overlay endpoint {}", a.get().network(), settings.stubName(),
                        stubAddress.overlayEndpoint());
                return true;
            });
            if (machines != null) {
                node.untilDone(client -> {
                    machines.attach(s.anycastUrl(), NodeCredentials.read(PkiFiles.directory(settings.stateDirectory()),
                            PkiFiles.NODE));
                    return true;
                });
            }
            node.start();
            LOG.info("control plane: etcd at {} ({} voters wanted, member grace {} s{})", s.anycastUrl(),
                    spec.controlPlane().etcdMembers(), spec.controlPlane().memberGrace().toSeconds(),
                    bootstrap ? ", bootstrapping" : "");
            etcdHealth.starting("looking for the cluster at " + s.anycastUrl());
            ipv4Health.starting("waiting for etcd to allocate from " + spec.ipv4().nodePool());
        } catch (KubermeshException e) {
            LOG.error("control plane did not start: {}", e.getMessage());
            etcdHealth.failed("control plane did not start: " + e.getMessage());
            ipv4Health.failed("no etcd to allocate from " + spec.ipv4().nodePool() + ": the control plane did not start");
        }
    }

    @Override
    public List<Preflight.Need> requirements() {
        return Preflight.etcd(spec);
    }

    /** True while this node runs an etcd member (where the {@code etcd} anycast service is expected). */
    public boolean runsMember() {
        EtcdNode n = node;
        return n != null && n.status().isPresent();
    }

    /**
     * True while this node's etcd member is a voter. A learner (a member just added, or catching
     * up) answers {@code /health} but refuses every linearizable read and every write with
     * UNAVAILABLE ("rpc not supported for learner"), which clients retry until their deadline: it
     * must not hold the etcd anycast address.
     */
    public boolean memberIsVoter() {
        EtcdNode n = node;
        return n != null && n.status().map(s -> "voter".equals(s.role())).orElse(false);
    }

    private void updateHealth(EtcdNode n, NodeIpv4 a, NodeIpv4Address onStub) {
        if (n != null) {
            memberHealth.update(n.status(), n.withoutMember().orElse("no member"));
        }
        if (a != null && a.address().isPresent()) {
            io.kubermesh.api.Ipv4Address address = a.address().get().network();
            if (onStub == null) {
                ipv4Health.starting(address + " allocated, not configured yet");
            } else {
                Optional<String> missing;
                try {
                    missing = onStub.missing(address);
                } catch (RuntimeException e) {
                    missing = Optional.of(e.getMessage());
                }
                if (missing.isEmpty()) {
                    ipv4Health.running(address + "/32 on " + settings.stubName() + ", overlay endpoint "
                            + onStub.overlayEndpoint());
                } else {
                    ipv4Health.failed(missing.get());
                }
            }
        }
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        EtcdNode n = node;
        NodeIpv4 a = ipv4;
        NodeIpv4Address onStub = ipv4Address;
        updateHealth(n, a, onStub);
        NodeStatus.Etcd etcd = n == null ? null : n.status().map(ControlPlanePorts::view).orElse(null);
        String address = a == null ? null : a.address().map(p -> p.network().toString()).orElse(null);
        return status.withControlPlane(etcd, address).withComponents(List.of(etcdHealth.view(), ipv4Health.view()));
    }

    private static NodeStatus.Etcd view(EtcdNodeStatus s) {
        return new NodeStatus.Etcd(s.member(), s.id(), s.peerUrl(), s.role(), s.leader(), s.healthy());
    }

    /** Stops this node's etcd; its membership and data stay, so a restarted agent takes it up. */
    @Override
    public synchronized void stopped() {
        if (machines != null) {
            machines.close();
        }
        if (node != null) {
            node.close();
            node = null;
        }
        enrolment.close();
        if (netlink != null) {
            netlink.close();
            netlink = null;
        }
    }
}
