package io.kubermesh.agent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Enrolment;
import io.kubermesh.boot.machine.Ignition;
import io.kubermesh.controlplane.etcd.CertificateRequests;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link Enrolment} on this node (ARCHITECTURE.md, "Trust"): the policy of
 * {@code cluster.enrolment}, with approvals and denials kept in etcd
 * ({@code /kubermesh/enrolment/approved|denied|pending/MAC}) so every node's boot services judge
 * alike, and the credentials of an admitted machine: a new key made here, its certificate signed
 * by the leading etcd member through a request forwarded over etcd, the cluster CA certificate
 * and the routing key. The key exists only in the answer: nothing here keeps it, so it is
 * delivered once.
 *
 * <p>What a machine's Ignition config carries, each file mode 0600, under
 * {@value PkiFiles#IGNITION_DIRECTORY}: {@code ca.crt}, {@code node.crt} (CN {@code node:MAC}),
 * {@code node.key}, {@code routing.key}.
 */
public final class ClusterEnrolment implements Enrolment, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEnrolment.class);
    private static final Duration CALL = Duration.ofSeconds(3);
    /**
     * How long a booting machine's Ignition request waits for its certificate: less than a boot
     * client's read timeout (the lab firmware's 20 s), so it gets a 503 to retry rather than a timeout.
     */
    private static final Duration ISSUE_WAIT = Duration.ofSeconds(15);
    static final String APPROVED = EtcdAccess.ENROLMENT_PREFIX + "approved/";
    static final String DENIED = EtcdAccess.ENROLMENT_PREFIX + "denied/";
    static final String PENDING = EtcdAccess.ENROLMENT_PREFIX + "pending/";

    private final EnrolmentSpec policy;
    private final AgentSettings settings;
    private final Clock clock;
    private final URI etcd;
    /** False when the cluster file turns etcd off ({@code etcdMembers: 0}). */
    private final boolean controlPlane;
    private Client client;

    public ClusterEnrolment(AddressPlan plan, AgentSettings settings, Clock clock) {
        this.policy = plan.spec().enrolment();
        this.settings = settings;
        this.clock = clock;
        this.controlPlane = plan.spec().controlPlane().etcd();
        this.etcd = plan.anycast().stream().filter(s -> s.name().equals(ControlPlanePorts.SERVICE))
                .findFirst().map(s -> URI.create("https://[" + s.address() + "]:" + s.port())).orElse(null);
    }

    @Override
    public Verdict verdict(MacAddress mac) {
        Optional<String> denied = read(DENIED + mac);
        Optional<String> approved = read(APPROVED + mac);
        if (denied.isPresent()) {
            return Verdict.DENIED;
        }
        return switch (policy.policy()) {
            case AUTO -> Verdict.ADMITTED;
            case INVENTORY -> inventory().contains(mac) || approved.isPresent() ? Verdict.ADMITTED : Verdict.DENIED;
            case APPROVE -> {
                if (approved.isPresent()) {
                    yield Verdict.ADMITTED;
                }
                notePending(mac);
                yield Verdict.PENDING;
            }
        };
    }

    /** True when {@code mac} is admitted now: what the leading member asks before it signs. */
    public boolean admitted(MacAddress mac) {
        return verdict(mac) == Verdict.ADMITTED;
    }

    @Override
    public List<Ignition.File> credentials(MacAddress mac) {
        Path state = settings.stateDirectory();
        if (!controlPlane && Files.isRegularFile(PkiFiles.caKey(state))) {
            // No etcd to forward a request through (etcdMembers: 0): the first machine, which
            // alone holds the CA key, signs for the machines plugged into it.
            ClusterAuthority ca = ClusterAuthority.fromPem(text(PkiFiles.caCertificate(state)), text(PkiFiles.caKey(state)));
            NodeCredentials issued = ca.issue(Identity.node(mac), clock.instant());
            LOG.info("enrolment: credentials for {} issued by this node's CA (no control plane)", mac);
            return files(issued, state);
        }
        NodeCredentials mine = NodeCredentials.read(PkiFiles.directory(state), PkiFiles.NODE);
        ClusterAuthority.Request request = ClusterAuthority.request(Identity.node(mac));
        // The nearest holder of the etcd anycast address may be a learner for a few seconds (it
        // answers /health but refuses writes): the request is put again until one takes it.
        long deadline = System.nanoTime() + ISSUE_WAIT.toNanos();
        CertificateRequests desk = null;
        CertificateRequests.Pending p = null;
        while (p == null) {
            try {
                desk = new CertificateRequests(client(), CALL);
                p = desk.submit(CertificateRequests.Kind.NODE, mac.toString(),
                        Long.toHexString(clock.millis()) + Long.toHexString(System.nanoTime()), request.requestPem(), null);
            } catch (KubermeshException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                dropClient();
                sleep(500);
            }
        }
        // The answer is read until it comes; a read etcd refuses now (its holder changing, its
        // users being made) is asked again on a new connection until the deadline.
        String cert = null;
        KubermeshException last = null;
        long end = deadline + Duration.ofSeconds(2).toNanos();
        while (cert == null) {
            try {
                cert = new CertificateRequests(client(), CALL).issued(p).orElse(null);
            } catch (KubermeshException e) {
                last = e;
                dropClient();
            }
            if (cert == null) {
                if (System.nanoTime() > end) {
                    throw new KubermeshException("no certificate for " + mac + " within " + ISSUE_WAIT.toSeconds()
                            + " s (is an etcd member up?)" + (last == null ? "" : "; last error: " + last.getMessage()));
                }
                sleep(200);
            }
        }
        NodeCredentials issued = NodeCredentials.of(mine.caPem(), cert, request);
        if (!issued.signedBy(mine.ca()) || !issued.commonName().equals(Identity.node(mac).commonName())) {
            throw new KubermeshException("the certificate issued for " + mac + " is not the cluster CA's for it");
        }
        LOG.info("enrolment: credentials for {} issued ({}), delivered in its Ignition config", mac, issued.commonName());
        return files(issued, state);
    }

    private static List<Ignition.File> files(NodeCredentials issued, Path state) {
        String dir = PkiFiles.IGNITION_DIRECTORY + "/";
        List<Ignition.File> files = new ArrayList<>();
        files.add(new Ignition.File(dir + "ca.crt", 0600, issued.caPem()));
        files.add(new Ignition.File(dir + "node.crt", 0600, issued.certificatePem()));
        files.add(new Ignition.File(dir + "node.key", 0600, issued.keyPem()));
        files.add(new Ignition.File(dir + "routing.key", 0600, text(PkiFiles.routingKey(state))));
        return files;
    }

    /**
     * The policy and every decision held in etcd: machines waiting for approval (with when they
     * were first seen, and by which node), approved and denied. Read with this node's own
     * certificate, which may read them all.
     */
    public io.kubermesh.agent.control.ControlAnswers.Enrolment view() {
        List<io.kubermesh.agent.control.ControlAnswers.Waiting> pending = new ArrayList<>();
        for (var kv : list(PENDING)) {
            String mac = kv.getKey().toString(StandardCharsets.UTF_8).substring(PENDING.length());
            String firstSeen = null;
            String node = null;
            try {
                var v = JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8));
                firstSeen = v.path("firstSeen").asText(null);
                node = v.path("node").asText(null);
            } catch (IOException e) {
                // an unreadable note still says the machine waits
            }
            pending.add(new io.kubermesh.agent.control.ControlAnswers.Waiting(mac, firstSeen, node));
        }
        return new io.kubermesh.agent.control.ControlAnswers.Enrolment(policy.policy().name().toLowerCase(java.util.Locale.ROOT),
                pending, macs(APPROVED), macs(DENIED));
    }

    /**
     * Records an operator's decision: {@code approved/MAC} (and no denial) or {@code denied/MAC}
     * (and no approval), the pending note removed. Only etcd members may write decisions (etcd's
     * RBAC gives ordinary nodes read access), so this needs the member certificate of this node.
     */
    public io.kubermesh.agent.control.ControlAnswers.Decision decide(MacAddress mac, boolean approve) {
        Path pki = PkiFiles.directory(settings.stateDirectory());
        if (!Files.exists(pki.resolve(PkiFiles.MEMBER + ".crt"))) {
            throw new KubermeshException("only an etcd member's agent records enrolment decisions, and "
                    + settings.name() + " is no member; ask a member's agent");
        }
        if (etcd == null) {
            throw new KubermeshException("the cluster has no etcd anycast service: nothing can be enrolled");
        }
        String value = "{\"at\":\"" + clock.instant() + "\",\"by\":\"" + settings.name() + "\"}";
        try (Client member = EtcdClients.connect(List.of(etcd), NodeCredentials.read(pki, PkiFiles.MEMBER))) {
            var kv = member.getKVClient();
            var txn = kv.txn().Then(
                    io.etcd.jetcd.op.Op.put(bytes((approve ? APPROVED : DENIED) + mac), bytes(value),
                            io.etcd.jetcd.options.PutOption.DEFAULT),
                    io.etcd.jetcd.op.Op.delete(bytes((approve ? DENIED : APPROVED) + mac), io.etcd.jetcd.options.DeleteOption.DEFAULT),
                    io.etcd.jetcd.op.Op.delete(bytes(PENDING + mac), io.etcd.jetcd.options.DeleteOption.DEFAULT));
            EtcdClients.await(txn.commit(), CALL, (approve ? "approve " : "deny ") + mac);
            if (!approve) {
                // Revocation: etcd checks the user on every request, so a machine enrolled before
                // is refused at once, even on open connections.
                String user = Identity.node(mac).commonName();
                try {
                    EtcdClients.await(member.getAuthClient().userDelete(bytes(user)), CALL, "remove the etcd user " + user);
                    LOG.info("enrolment: etcd user {} removed", user);
                } catch (KubermeshException e) {
                    LOG.info("enrolment: no etcd user {} to remove ({})", user, e.getMessage());
                }
            }
        }
        LOG.info("enrolment: {} {} by the operator", mac, approve ? "approved" : "denied");
        return new io.kubermesh.agent.control.ControlAnswers.Decision(mac.toString(), approve ? "approved" : "denied");
    }

    private List<io.etcd.jetcd.KeyValue> list(String prefix) {
        var r = EtcdClients.await(client().getKVClient().get(bytes(prefix),
                io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()), CALL, "list " + prefix);
        return r.getKvs();
    }

    private List<String> macs(String prefix) {
        return list(prefix).stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length())).toList();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The MACs of the inventory: the cluster file's list and the list file, read now. */
    List<MacAddress> inventory() {
        List<MacAddress> out = new ArrayList<>(policy.machines());
        policy.file().ifPresent(f -> {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.replaceAll("#.*", "").trim();
                    if (!t.isEmpty()) {
                        try {
                            out.add(MacAddress.parse(t));
                        } catch (RuntimeException e) {
                            LOG.warn("enrolment: {} holds {}, not a MAC; ignored", f, t.replaceAll("\\p{Cntrl}", "?"));
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("enrolment: cannot read the inventory {}: {}", f, e.getMessage());
            }
        });
        return out;
    }

    private void notePending(MacAddress mac) {
        try {
            if (read(PENDING + mac).isEmpty()) {
                String v = "{\"firstSeen\":\"" + clock.instant() + "\",\"node\":\"" + settings.name() + "\"}";
                EtcdClients.await(client().getKVClient().put(bytes(PENDING + mac), bytes(v)), CALL, "note " + mac + " as pending");
                LOG.info("enrolment: {} waits for approval (kubermesh approve {})", mac, mac);
            }
        } catch (KubermeshException e) {
            LOG.warn("enrolment: {}", e.getMessage());
        }
    }

    private Optional<String> read(String key) {
        if (!controlPlane) {
            return Optional.empty();
        }
        try {
            var r = EtcdClients.await(client().getKVClient().get(bytes(key)), CALL, "read " + key);
            return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
        } catch (KubermeshException e) {
            LOG.debug("enrolment: {}", e.getMessage());
            dropClient();
            return Optional.empty();
        }
    }

    private synchronized Client client() {
        if (etcd == null) {
            throw new KubermeshException("the cluster has no etcd anycast service: nothing can be enrolled");
        }
        if (client == null) {
            client = EtcdClients.connect(List.of(etcd),
                    NodeCredentials.read(PkiFiles.directory(settings.stateDirectory()), PkiFiles.NODE));
        }
        return client;
    }

    private synchronized void dropClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted while asking for a certificate", e);
        }
    }

    private static String text(Path file) {
        return NodeCredentials.readText(file);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        dropClient();
    }
}
