package io.kubermesh.controlplane.node;

import io.etcd.jetcd.Client;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.etcd.EtcdMember;
import io.kubermesh.controlplane.etcd.EtcdMembership;
import io.kubermesh.controlplane.etcd.EtcdMembership.Member;
import io.kubermesh.controlplane.etcd.MembershipLock;
import io.kubermesh.controlplane.etcd.QuorumException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's part in the self-healing etcd cluster (ARCHITECTURE.md, "Control plane"), looked at
 * every tick on a thread of its own:
 *
 * <ul>
 *   <li>with etcd data in its state directory, it takes its member up again;</li>
 *   <li>the bootstrap node with no data starts a new one-member cluster;</li>
 *   <li>any other node asks the cluster through the etcd anycast address and, while it has fewer
 *       members than {@code etcdMembers}, adds itself as a learner with the member API before
 *       its etcd starts as an existing member, then promotes itself to a voter;</li>
 *   <li>the member that leads removes a member unreachable longer than {@code memberGrace}, if
 *       the healthy voters left keep quorum ({@code Quorum}); a node without a member then takes
 *       its place.</li>
 * </ul>
 *
 * Every membership change is made under {@link MembershipLock}, so one node changes it at a time.
 * A member removed while its machine was away finds itself gone from the list, moves its data
 * aside and becomes a plain node.
 */
public final class EtcdNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdNode.class);
    private static final Duration CALL = Duration.ofSeconds(3);
    private static final Duration PROMOTE = Duration.ofSeconds(60);

    private final EtcdNodeSettings settings;
    private final Clock clock;
    private final MemberGrace grace;
    private final List<Predicate<Client>> untilDone = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Optional<EtcdNodeStatus> status = Optional.empty();
    /** What a node without a member is doing (waiting for the cluster, or not needed), for status. */
    private volatile String withoutMember = "starting";
    private Client client;
    private EtcdMember member;
    private String lastRole = "";

    public EtcdNode(EtcdNodeSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.grace = new MemberGrace(settings.controlPlane().memberGrace());
        this.thread = new Thread(this::loop, "etcd-node");
        thread.setDaemon(true);
    }

    /**
     * Called at every tick at which the cluster answers at the anycast address, with a client
     * there, until it returns true (done); an exception is logged and it is called again.
     */
    public void untilDone(Predicate<Client> action) {
        untilDone.add(action);
    }

    public EtcdNode start() {
        thread.start();
        return this;
    }

    /**
     * What this node does while it runs no member: {@code waiting for etcd at ...} or
     * {@code not a member: the cluster has its N voters}; empty while a member runs here.
     */
    public Optional<String> withoutMember() {
        return status.isPresent() ? Optional.empty() : Optional.of(withoutMember);
    }

    /** This node's member, if it runs one. */
    public Optional<EtcdNodeStatus> status() {
        return status;
    }

    public EtcdNodeSettings settings() {
        return settings;
    }

    private void loop() {
        while (running) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("etcd: {}", e.getMessage());
            }
            try {
                Thread.sleep(settings.tick().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One look at the cluster; public for tests that drive it without the thread. */
    synchronized void tick() {
        if (!running) {
            return;
        }
        if (member == null) {
            if (Files.isDirectory(settings.dataDirectory().resolve("member"))) {
                LOG.info("etcd: taking up member {} from its data in {}", settings.name(), settings.dataDirectory());
                startMember(baseSpec().joining(Map.of(settings.name(), settings.peerUrl())));
            } else if (settings.bootstrap() && !LocalMemberStatus.answers(settings.anycastUrl())) {
                // Never a second cluster: a bootstrap node that finds one at the anycast address joins it instead.
                LOG.info("etcd: bootstrapping a new one-member cluster as {} at {}", settings.name(), settings.peerUrl());
                startMember(baseSpec());
            } else {
                maybeJoin();
            }
        } else {
            supervise();
        }
        refreshStatus();
        if (!untilDone.isEmpty()) {
            reachable().ifPresent(c -> untilDone.removeIf(a -> {
                try {
                    return a.test(c);
                } catch (RuntimeException e) {
                    LOG.warn("etcd: {}", e.getMessage());
                    return false;
                }
            }));
        }
    }

    private EtcdMember.Spec baseSpec() {
        return new EtcdMember.Spec(settings.name(), settings.dataDirectory(), settings.clientUrl(), settings.peerUrl(),
                Map.of(settings.name(), settings.peerUrl()), false, settings.clusterToken(), settings.heartbeat(),
                settings.electionTimeout(), settings.listenUrl());
    }

    private void startMember(EtcdMember.Spec spec) {
        member = new EtcdMember(spec).start();
        LOG.info("etcd: member {} {} (PID {}), peers at {}, clients at {} and the anycast address {}", spec.name(),
                member.adopted() ? "adopted, still running from the previous agent" : "started", member.pid(),
                spec.peerUrl(), spec.clientUrl(), settings.anycastUrl());
    }

    private Client client() {
        if (client == null) {
            client = EtcdClients.connect(List.of(settings.anycastUrl()));
        }
        return client;
    }

    private EtcdMembership membership() {
        return new EtcdMembership(client(), CALL, m -> m.clientUrls().stream().anyMatch(EtcdMember::healthy));
    }

    private Optional<Client> reachable() {
        if (!LocalMemberStatus.answers(settings.anycastUrl())) {
            return Optional.empty();
        }
        try {
            membership().list();
            return Optional.of(client());
        } catch (KubermeshException e) {
            dropClient();
            return Optional.empty();
        }
    }

    /**
     * A gRPC channel that failed to connect backs off (up to minutes) before it tries again, so a
     * client made before the mesh had a route to the anycast address is dropped, and the next is
     * made only once etcd answers there over plain HTTP.
     */
    private void dropClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** No member here: join if the cluster lacks members. */
    private void maybeJoin() {
        if (!LocalMemberStatus.answers(settings.anycastUrl())) {
            withoutMember = "waiting for etcd at " + settings.anycastUrl();
            return;
        }
        List<Member> members;
        try {
            members = membership().list();
        } catch (KubermeshException e) {
            LOG.debug("etcd: not reachable at {} yet: {}", settings.anycastUrl(), e.getMessage());
            dropClient();
            return;
        }
        JoinDecision first = JoinDecision.decide(members, settings.peerUrl(), settings.controlPlane().etcdMembers());
        if (first instanceof JoinDecision.Enough) {
            withoutMember = "not a member: the cluster has its " + settings.controlPlane().etcdMembers() + " members";
            return;
        }
        withoutMember = "joining the cluster at " + settings.anycastUrl();
        if (first instanceof JoinDecision.TakeUp t) {
            LOG.info("etcd: the membership already lists {} as {}; starting it", settings.peerUrl(), t.member().hexId());
            startMember(baseSpec().joining(initialCluster(members)));
            return;
        }
        MembershipLock lock = new MembershipLock(client(), Duration.ofSeconds(90), CALL);
        Optional<MembershipLock.Held> held = lock.tryAcquire(settings.name());
        if (held.isEmpty()) {
            LOG.debug("etcd: another node is changing the membership");
            return;
        }
        try (MembershipLock.Held h = held.get()) {
            EtcdMembership membership = membership();
            members = membership.list();
            JoinDecision again = JoinDecision.decide(members, settings.peerUrl(), settings.controlPlane().etcdMembers());
            if (!(again instanceof JoinDecision.Add)) {
                return;
            }
            if (!membership.quorum().held()) {
                LOG.warn("etcd: {} members, but the healthy voters are no majority; not adding {}", members.size(),
                        settings.name());
                return;
            }
            Member added = membership.addLearner(settings.peerUrl());
            LOG.info("etcd: added {} as learner {} at {} ({} of {} members)", settings.name(), added.hexId(),
                    settings.peerUrl(), members.size() + 1, settings.controlPlane().etcdMembers());
            List<Member> withMe = new java.util.ArrayList<>(members);
            withMe.add(added);
            startMember(baseSpec().joining(initialCluster(withMe)));
            membership.promote(added.id(), PROMOTE);
            LOG.info("etcd: promoted {} ({}) to a voting member", settings.name(), added.hexId());
        }
    }

    /** Every member by name and peer URL, this node's own entry under its own name. */
    private Map<String, URI> initialCluster(List<Member> members) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (Member m : members) {
            URI peer = m.peerUrls().get(0);
            String name = m.peerUrls().contains(settings.peerUrl()) ? settings.name()
                    : m.name().isEmpty() ? "unstarted-" + m.hexId() : m.name();
            out.put(name, peer);
        }
        out.put(settings.name(), settings.peerUrl());
        return out;
    }

    /** A member runs here: keep it running, promote it, heal the cluster if it leads. */
    private void supervise() {
        if (member.ensureRunning()) {
            LOG.warn("etcd: member {} had exited; restarted on its data", settings.name());
        }
        Optional<LocalMemberStatus> local = LocalMemberStatus.of(settings.clientUrl());
        if (local.isEmpty()) {
            checkStillMember();
            return;
        }
        if (local.get().learner()) {
            promoteSelf(local.get().id());
        } else if (local.get().isLeader()) {
            heal();
        }
    }

    /** A member that does not answer may have been removed while its machine was away. */
    private void checkStillMember() {
        List<Member> members;
        try {
            members = membership().list();
        } catch (KubermeshException e) {
            return;
        }
        if (members.stream().noneMatch(m -> m.peerUrls().contains(settings.peerUrl()))) {
            LOG.warn("etcd: {} is no longer a member (removed while away); moving its data aside", settings.name());
            member.stop();
            member = null;
            Path data = settings.dataDirectory();
            try {
                Files.move(data, data.resolveSibling("data.removed-" + clock.millis()));
            } catch (IOException e) {
                throw new KubermeshException("cannot move " + data + " aside: " + e.getMessage(), e);
            }
        }
    }

    private void promoteSelf(long id) {
        MembershipLock lock = new MembershipLock(client(), Duration.ofSeconds(90), CALL);
        lock.tryAcquire(settings.name()).ifPresent(h -> {
            try (h) {
                membership().promote(id, Duration.ofSeconds(5));
                LOG.info("etcd: promoted {} ({}) to a voting member", settings.name(), Long.toHexString(id));
            } catch (KubermeshException e) {
                LOG.debug("etcd: not promotable yet: {}", e.getMessage());
            }
        });
    }

    /** The leader's duty: time unreachable members, remove one past its grace if quorum allows. */
    private void heal() {
        EtcdMembership membership = membership();
        List<Member> members = membership.list();
        Set<Long> ids = new HashSet<>();
        Set<Long> answering = new HashSet<>();
        for (Member m : members) {
            ids.add(m.id());
            if (m.peerUrls().contains(settings.peerUrl()) || m.clientUrls().stream().anyMatch(LocalMemberStatus::answers)) {
                answering.add(m.id());
            }
        }
        grace.observe(clock.instant(), ids, answering);
        Optional<Long> overdue = grace.overdue(clock.instant());
        if (overdue.isEmpty()) {
            return;
        }
        long id = overdue.get();
        Member gone = members.stream().filter(m -> m.id() == id).findFirst().orElseThrow();
        Duration away = grace.unreachableFor(id, clock.instant());
        Optional<MembershipLock.Held> held = new MembershipLock(client(), Duration.ofSeconds(90), CALL).tryAcquire(settings.name());
        if (held.isEmpty()) {
            return;
        }
        try (MembershipLock.Held h = held.get()) {
            membership.remove(id);
            LOG.warn("etcd: removed member {} ({}, {}) unreachable for {} s; a node without a member takes its place",
                    gone.name(), gone.hexId(), gone.peerUrls(), away.toSeconds());
        } catch (QuorumException e) {
            LOG.warn("etcd: member {} unreachable for {} s, but {}", gone.name(), away.toSeconds(), e.getMessage());
        }
    }

    private void refreshStatus() {
        if (member == null) {
            status = Optional.empty();
            return;
        }
        Optional<LocalMemberStatus> local = LocalMemberStatus.of(settings.clientUrl());
        String role = local.map(l -> l.learner() ? "learner" : "voter").orElse("starting");
        boolean leader = local.map(LocalMemberStatus::isLeader).orElse(false);
        boolean healthy = member.healthy();
        String change = role + (leader ? " leader" : "") + (healthy ? " healthy" : " unhealthy");
        if (!change.equals(lastRole)) {
            LOG.info("etcd: member {} is now {}", settings.name(), change);
            lastRole = change;
        }
        status = Optional.of(new EtcdNodeStatus(settings.name(), local.map(l -> Long.toHexString(l.id())).orElse(""),
                settings.peerUrl().toString(), settings.clientUrl().toString(), role, leader, healthy));
    }

    /** Stops looking and stops this node's etcd (its membership stays: a restarted agent takes it up). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (member != null) {
                member.stop();
            }
            if (client != null) {
                client.close();
            }
        }
    }
}
