package io.kubermesh.controlplane.node;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.etcd.CertificateRequests;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdBinary;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.etcd.EtcdProbe;
import io.kubermesh.controlplane.etcd.EtcdTls;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Trust (ARCHITECTURE.md, "Trust"): every member serves clients and peers with TLS and
 * requires a certificate of the cluster CA; etcd's RBAC ({@link EtcdAccess}) gives members root
 * and every other machine the {@code node} role. The node talks to etcd with its own certificate
 * ({@code STATE/pki/node.crt}); to become a member it first asks for a member certificate
 * ({@link CertificateRequests}), which the leading member signs only while the cluster lacks
 * members, and then changes the membership with it. The bootstrap node makes its member
 * certificate with the CA on its own disk, turns authentication on and shares the CA with the
 * members through etcd (root only), so issuing survives the first machine. A removed member's
 * user is removed with it.
 */
public final class EtcdNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdNode.class);
    private static final Duration CALL = Duration.ofSeconds(3);
    private static final Duration PROMOTE = Duration.ofSeconds(60);
    /** How long the leader waits for a member's answer before it counts a look as "unreachable". */
    static final Duration REMOVAL_PATIENCE = Duration.ofSeconds(5);

    private final EtcdNodeSettings settings;
    private final Clock clock;
    private final MemberGrace grace;
    private static final String AUTH_MARKER = "auth-enabled";

    private final List<Predicate<Client>> untilDone = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final NodeCredentials nodeCredentials;
    private final EtcdProbe probe;
    private final LeaderDuties duties;
    private volatile boolean running = true;
    private volatile Optional<EtcdNodeStatus> status = Optional.empty();
    /** The member's own view as this tick read it ({@link #local()}); null before it is read. */
    private Optional<LocalMemberStatus> readThisTick;
    /** The member's last answer, which the status shows for a while when a read does not answer. */
    private final RecentView recent = new RecentView(Duration.ofSeconds(5));
    /** The node's own client at the anycast address ({@code node:MAC}). */
    /** What a node without a member is doing (waiting for the cluster, or not needed), for status. */
    private volatile String withoutMember = "starting";
    private Client client;
    /** The member's client at the anycast address ({@code member:NAME}, root). */
    private Client memberClient;
    private EtcdMember member;
    /** Whether this process, as leader, granted the node role what this version gives it. */
    private boolean grantsChecked;
    private String lastRole = "";
    private final MemberCertificate certificate;
    private final Wakeup wakeup = new Wakeup();
    /** While this node leads: a certificate request wakes the loop at once. */
    private final RequestWatch requests = new RequestWatch(wakeup::wake);

    /**
     * @param admitted the enrolment policy, asked before this node (when it leads) signs a
     *     machine's certificate
     * @throws KubermeshException if the node has no credentials in {@code STATE/pki} (it was not enrolled)
     */
    public EtcdNode(EtcdNodeSettings settings, Clock clock, Predicate<MacAddress> admitted) {
        this.settings = settings;
        this.clock = clock;
        this.grace = new MemberGrace(settings.controlPlane().memberGrace());
        Path pki = PkiFiles.directory(settings.stateDirectory());
        if (!NodeCredentials.present(pki, PkiFiles.NODE)) {
            throw new KubermeshException("no node certificate in " + pki + ": this machine was not enrolled"
                    + " (its Ignition config carries pki/ca.crt, node.crt and node.key); netboot it from the cluster"
                    + " so enrolment gives them (kubermesh approve MAC when the policy is approve), or, on the first"
                    + " machine, start the agent with --etcd-bootstrap, which makes them");
        }
        this.nodeCredentials = NodeCredentials.read(pki, PkiFiles.NODE);
        this.probe = EtcdProbe.tls(nodeCredentials.sslContext());
        this.certificate = new MemberCertificate(settings, clock, nodeCredentials, CALL);
        try {
            this.duties = new LeaderDuties(clock, admitted, InetAddress.getByName(settings.anycast().toString()));
        } catch (java.net.UnknownHostException e) {
            throw new KubermeshException("bad anycast address " + settings.anycast(), e);
        }
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
                wakeup.pause(settings.tick());
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
        readThisTick = null;
        // The status is refreshed even when a step fails: the agent announces the etcd anycast
        // address only while the status says voter, and the steps themselves may need that
        // address (a bootstrap node's authentication set-up lists the members through it).
        try {
            if (member == null) {
                if (Files.isDirectory(settings.dataDirectory().resolve("member"))) {
                    if (!certificate.present()) {
                        throw new KubermeshException("etcd data in " + settings.dataDirectory() + " but no member certificate in "
                                + PkiFiles.directory(settings.stateDirectory()) + ": restore member.crt and member.key there,"
                                + " or move " + settings.dataDirectory() + " aside so this node joins again as a new member");
                    }
                    LOG.info("etcd: taking up member {} from its data in {}", settings.name(), settings.dataDirectory());
                    startMember(baseSpec().joining(Map.of(settings.name(), settings.peerUrl())));
                } else if (settings.bootstrap() && !probe.answers(settings.anycastUrl())) {
                    // Never a second cluster: a bootstrap node that finds one at the anycast address joins it instead.
                    LOG.info("etcd: bootstrapping a new one-member cluster as {} at {}", settings.name(), settings.peerUrl());
                    certificate.issueOwn(this::memberClient);
                    startMember(baseSpec());
                } else {
                    maybeJoin();
                }
            } else {
                supervise();
            }
        } finally {
            refreshStatus();
        }
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
        Path state = settings.stateDirectory();
        return new EtcdMember.Spec(settings.name(), settings.dataDirectory(), settings.clientUrl(), settings.peerUrl(),
                Map.of(settings.name(), settings.peerUrl()), false, settings.clusterToken(), settings.heartbeat(),
                settings.electionTimeout(), settings.listenUrl())
                .withTls(new EtcdTls(PkiFiles.caCertificate(state), PkiFiles.certificate(state, PkiFiles.MEMBER),
                        PkiFiles.key(state, PkiFiles.MEMBER)))
                .withQuota(settings.quotaBytes());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /**
     * Once, on the node that bootstrapped: roles and users, authentication on, the CA shared with
     * the members. Marked done in {@code etcd/auth-enabled}, and safe to repeat.
     */
    private void ensureAuthentication() {
        Path marker = settings.dataDirectory().resolveSibling(AUTH_MARKER);
        if (!settings.bootstrap() || Files.exists(marker) || !member.healthy()) {
            return;
        }
        NodeCredentials mine = certificate.read();
        try (Client local = EtcdClients.connect(List.of(settings.clientUrl()), mine)) {
            new EtcdAccess(local, CALL).enable(mine.commonName());
            new EtcdAccess(local, CALL).ensureUser(nodeCredentials.commonName(), EtcdAccess.NODE_ROLE);
            ClusterAuthority ca = certificate.authority(this::memberClient);
            var kv = local.getKVClient();
            EtcdClients.await(kv.put(bytes(EtcdAccess.CA_PREFIX + "certificate"), bytes(ca.certificatePem())), CALL, "share the CA");
            EtcdClients.await(kv.put(bytes(EtcdAccess.CA_PREFIX + "key"), bytes(ca.keyPem())), CALL, "share the CA key");
            Files.writeString(marker, clock.instant() + "\n");
        } catch (IOException e) {
            throw new KubermeshException("cannot write " + marker + ": " + e.getMessage(), e);
        }
    }

    private void startMember(EtcdMember.Spec spec) {
        member = new EtcdMember(spec, EtcdBinary.locate(), probe).start();
        recent.forget();
        LOG.info("etcd: member {} {} (PID {}), peers at {}, clients at {} and the anycast address {}", spec.name(),
                member.adopted() ? "adopted, still running from the previous agent" : "started", member.pid(),
                spec.peerUrl(), spec.clientUrl(), settings.anycastUrl());
    }

    private Client client() {
        if (client == null) {
            client = EtcdClients.connect(List.of(settings.anycastUrl()), nodeCredentials);
        }
        return client;
    }

    /**
     * The member's client: at the other members' client URLs when it knows them, else at the
     * anycast address. A learner answers /health and so may hold the anycast address itself,
     * yet refuses writes, its own promotion included: it must not ask itself.
     */
    private Client memberClient() {
        if (memberClient == null) {
            List<URI> others = List.of();
            try {
                others = membership().list().stream().flatMap(m -> m.clientUrls().stream())
                        .filter(u -> !u.equals(settings.clientUrl())).distinct().toList();
            } catch (KubermeshException e) {
                LOG.debug("etcd: no member list for the member client: {}", e.getMessage());
            }
            memberClient = EtcdClients.connect(others.isEmpty() ? List.of(settings.anycastUrl()) : others, certificate.read());
        }
        return memberClient;
    }

    /** The membership as this node may see it (list), through its own client. */
    private EtcdMembership membership() {
        return membership(client());
    }

    private EtcdMembership membership(Client c) {
        return new EtcdMembership(c, CALL, m -> m.clientUrls().stream().anyMatch(probe::healthy));
    }

    private Optional<Client> reachable() {
        if (!probe.answers(settings.anycastUrl())) {
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
        if (memberClient != null) {
            memberClient.close();
            memberClient = null;
        }
    }

    /** No member here: join if the cluster lacks members. */
    private void maybeJoin() {
        if (!probe.answers(settings.anycastUrl())) {
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
            if (!certificate.obtain(this::client)) {
                return;
            }
            LOG.info("etcd: the membership already lists {} as {}; starting it", settings.peerUrl(), t.member().hexId());
            startMember(baseSpec().joining(initialCluster(members)));
            return;
        }
        if (!certificate.obtain(this::client)) {
            return;
        }
        MembershipLock lock = new MembershipLock(memberClient(), Duration.ofSeconds(90), CALL);
        Optional<MembershipLock.Held> held = lock.tryAcquire(settings.name());
        if (held.isEmpty()) {
            LOG.debug("etcd: another node is changing the membership");
            return;
        }
        try (MembershipLock.Held h = held.get()) {
            EtcdMembership membership = membership(memberClient());
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
            // A learner that cannot reach its peers at start (routes still converging) exits at
            // once; waiting out PROMOTE for it would let the leader's grace run out and remove it.
            EtcdMember started = member;
            membership.promote(added.id(), PROMOTE, () -> started.isAlive() ? null : "its process has exited");
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
        if (member.exited()) {
            // etcd exits for good when it learns it was removed: restarting it on its data would
            // only repeat that, so the membership is asked first (when it can be).
            String ended = lastLines(member.logTail(), 3);
            checkStillMember();
            if (member == null) {
                return;
            }
            if (member.ensureRunning()) {
                LOG.warn("etcd: member {} had exited; restarted on its data; its log had ended with:\n{}", settings.name(), ended);
            }
        }
        ensureAuthentication();
        Optional<LocalMemberStatus> local = local();
        if (local.isEmpty()) {
            checkStillMember();
            return;
        }
        if (local.get().learner()) {
            // Asked again each time: the members it was made for may have changed.
            if (memberClient != null) {
                memberClient.close();
                memberClient = null;
            }
            promoteSelf(local.get().id());
            // Promoted or not: the status reads it again, so a new voter is one at once.
            readThisTick = null;
        } else if (local.get().isLeader()) {
            heal();
            lead();
        }
    }

    /** The last {@code count} lines of {@code text}, each cut to 300 characters (etcd's lines can be long). */
    static String lastLines(String text, int count) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()).stream()
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList());
    }

    /** The leader's other duties: certificates asked for over etcd, and space. */
    private void lead() {
        if (settings.bootstrap() && !Files.exists(settings.dataDirectory().resolveSibling(AUTH_MARKER))) {
            // Roles and users come with authentication: a certificate signed before them would
            // name an etcd user that cannot be made, and its requester would wait for nothing.
            return;
        }
        try {
            if (!grantsChecked) {
                new EtcdAccess(memberClient(), CALL).grantNodeRole();
                grantsChecked = true;
            }
            requests.follow(memberClient());
            List<Member> members = membership(memberClient()).list();
            duties.sign(memberClient(), certificate.authority(this::memberClient), members, settings.controlPlane().etcdMembers(), CALL);
            duties.maintain(memberClient(), members, CALL);
        } catch (KubermeshException e) {
            LOG.warn("etcd: leader duties: {}", e.getMessage());
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
            recent.forget();
            if (memberClient != null) {
                memberClient.close();
                memberClient = null;
            }
            Path data = settings.dataDirectory();
            try {
                // Its member certificate's user was removed with it; a new one is asked for if it joins again.
                Files.deleteIfExists(PkiFiles.certificate(settings.stateDirectory(), PkiFiles.MEMBER));
                Files.deleteIfExists(PkiFiles.key(settings.stateDirectory(), PkiFiles.MEMBER));
                Files.move(data, data.resolveSibling("data.removed-" + clock.millis()));
            } catch (IOException e) {
                throw new KubermeshException("cannot move " + data + " aside: " + e.getMessage(), e);
            }
        }
    }

    private void promoteSelf(long id) {
        MembershipLock lock = new MembershipLock(memberClient(), Duration.ofSeconds(90), CALL);
        lock.tryAcquire(settings.name()).ifPresent(h -> {
            try (h) {
                membership(memberClient()).promote(id, Duration.ofSeconds(5));
                LOG.info("etcd: promoted {} ({}) to a voting member", settings.name(), Long.toHexString(id));
            } catch (KubermeshException e) {
                LOG.debug("etcd: not promotable yet: {}", e.getMessage());
            }
        });
    }

    /** The leader's duty: time unreachable members, remove one past its grace if quorum allows. */
    private void heal() {
        EtcdMembership membership = membership(memberClient());
        List<Member> members = membership.list();
        Set<Long> ids = new HashSet<>();
        Set<Long> answering = new HashSet<>();
        for (Member m : members) {
            ids.add(m.id());
            if (m.peerUrls().contains(settings.peerUrl())
                    || m.clientUrls().stream().anyMatch(u -> probe.answers(u, REMOVAL_PATIENCE))) {
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
        Optional<MembershipLock.Held> held = new MembershipLock(memberClient(), Duration.ofSeconds(90), CALL).tryAcquire(settings.name());
        if (held.isEmpty()) {
            return;
        }
        try (MembershipLock.Held h = held.get()) {
            membership.remove(id);
            if (!gone.name().isEmpty()) {
                new EtcdAccess(memberClient(), CALL).removeUser(Identity.MEMBER_PREFIX + gone.name());
            }
            LOG.warn("etcd: removed member {} ({}, {}) unreachable for {} s; a node without a member takes its place",
                    gone.name(), gone.hexId(), gone.peerUrls(), away.toSeconds());
        } catch (QuorumException e) {
            LOG.warn("etcd: member {} unreachable for {} s, but {}", gone.name(), away.toSeconds(), e.getMessage());
        }
    }

    /**
     * The member's own view, read once a tick when the read answers: under TLS it comes from
     * {@code /metrics} (about 146 KB of text from etcd 3.4), which supervising and the status both
     * need; sharing an answer halves what every member serves and every agent parses each second.
     * A read that did not answer (a busy machine) is made again, so one slow answer does not show
     * a voter as {@code starting} (which would also hold back its anycast check).
     */
    private Optional<LocalMemberStatus> local() {
        if (readThisTick == null || readThisTick.isEmpty()) {
            readThisTick = probe.status(settings.clientUrl());
            readThisTick.ifPresent(l -> recent.answered(l, clock.instant()));
        }
        return readThisTick;
    }

    /** For the status: the member's view as {@link #local()} reads it, or its recent answer ({@link RecentView}). */
    private Optional<LocalMemberStatus> localForStatus() {
        return recent.view(local(), member.isAlive(), clock.instant());
    }

    private void refreshStatus() {
        if (member == null) {
            status = Optional.empty();
            return;
        }
        Optional<LocalMemberStatus> local = localForStatus();
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
            requests.close();
            if (member != null) {
                member.stop();
            }
            dropClient();
        }
    }
}
