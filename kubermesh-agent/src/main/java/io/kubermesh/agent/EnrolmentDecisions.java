package io.kubermesh.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.io.IOException;
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
 * The enrolment records in etcd ({@code /kubermesh/enrolment/approved|denied|pending/MAC}): read
 * by every node's boot services, so they judge alike; written by an operator's decision through a
 * member's agent ({@code kubermesh approve|deny MAC}), and a pending note by any node that saw
 * the machine ask.
 */
final class EnrolmentDecisions {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentDecisions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String APPROVED = EtcdAccess.ENROLMENT_PREFIX + "approved/";
    static final String DENIED = EtcdAccess.ENROLMENT_PREFIX + "denied/";
    static final String PENDING = EtcdAccess.ENROLMENT_PREFIX + "pending/";

    private final NodeEtcdConnection etcd;
    private final AgentSettings settings;
    private final Clock clock;
    private final Duration call;

    EnrolmentDecisions(NodeEtcdConnection etcd, AgentSettings settings, Clock clock, Duration call) {
        this.etcd = etcd;
        this.settings = settings;
        this.clock = clock;
        this.call = call;
    }

    /**
     * True when an operator denied {@code mac}. When etcd cannot be read now: false, or with
     * {@code strict} a failure (for the signer, which must not take an unread denial for none).
     */
    boolean denied(MacAddress mac, boolean strict) {
        return (strict ? readOrFail(DENIED + mac) : read(DENIED + mac)).isPresent();
    }

    /** True when an operator approved {@code mac}; false also when etcd cannot be read now. */
    boolean approved(MacAddress mac) {
        return read(APPROVED + mac).isPresent();
    }

    /** Notes that {@code mac} asked and waits for an operator, once (the first sighting is kept). */
    void notePending(MacAddress mac) {
        try {
            if (read(PENDING + mac).isEmpty()) {
                String v = "{\"firstSeen\":\"" + clock.instant() + "\",\"node\":\"" + settings.name() + "\"}";
                EtcdClients.await(etcd.client().getKVClient().put(bytes(PENDING + mac), bytes(v)), call, "note " + mac + " as pending");
                LOG.info("enrolment: {} waits for approval (kubermesh approve {})", mac, mac);
            }
        } catch (KubermeshException e) {
            LOG.warn("enrolment: {}", e.getMessage());
        }
    }

    /**
     * The policy and every decision held in etcd: machines waiting for approval (with when they
     * were first seen, and by which node), approved and denied. Read with this node's own
     * certificate, which may read them all.
     */
    ControlAnswers.Enrolment view(String policy) {
        List<ControlAnswers.Waiting> pending = new ArrayList<>();
        for (KeyValue kv : list(PENDING)) {
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
            pending.add(new ControlAnswers.Waiting(mac, firstSeen, node));
        }
        return new ControlAnswers.Enrolment(policy, pending, macs(APPROVED), macs(DENIED));
    }

    /**
     * Records an operator's decision: {@code approved/MAC} (and no denial) or {@code denied/MAC}
     * (and no approval), the pending note removed. Only etcd members may write decisions (etcd's
     * RBAC gives ordinary nodes read access), so this needs the member certificate of this node.
     * A denial also removes the machine's etcd user, so it is refused at once.
     */
    ControlAnswers.Decision decide(MacAddress mac, boolean approve) {
        Path pki = PkiFiles.directory(settings.stateDirectory());
        if (!Files.exists(pki.resolve(PkiFiles.MEMBER + ".crt"))) {
            throw new KubermeshException("only an etcd member's agent records enrolment decisions, and "
                    + settings.name() + " is no member; run the command against a member's agent");
        }
        String value = "{\"at\":\"" + clock.instant() + "\",\"by\":\"" + settings.name() + "\"}";
        try (Client member = EtcdClients.connect(List.of(etcd.endpoint()), NodeCredentials.read(pki, PkiFiles.MEMBER))) {
            var txn = member.getKVClient().txn().Then(
                    Op.put(bytes((approve ? APPROVED : DENIED) + mac), bytes(value), PutOption.DEFAULT),
                    Op.delete(bytes((approve ? DENIED : APPROVED) + mac), DeleteOption.DEFAULT),
                    Op.delete(bytes(PENDING + mac), DeleteOption.DEFAULT));
            EtcdClients.await(txn.commit(), call, (approve ? "approve " : "deny ") + mac);
            if (!approve) {
                // Revocation: etcd checks the user on every request, so a machine enrolled before
                // is refused at once, even on open connections.
                String user = Identity.node(mac).commonName();
                try {
                    EtcdClients.await(member.getAuthClient().userDelete(bytes(user)), call, "remove the etcd user " + user);
                    LOG.info("enrolment: etcd user {} removed", user);
                } catch (KubermeshException e) {
                    LOG.info("enrolment: no etcd user {} to remove ({})", user, e.getMessage());
                }
            }
        }
        LOG.info("enrolment: {} {} by the operator", mac, approve ? "approved" : "denied");
        return new ControlAnswers.Decision(mac.toString(), approve ? "approved" : "denied");
    }

    private List<KeyValue> list(String prefix) {
        try {
            return EtcdClients.await(etcd.client().getKVClient().get(bytes(prefix),
                    GetOption.builder().isPrefix(true).build()), call, "list " + prefix).getKvs();
        } catch (KubermeshException e) {
            etcd.drop();
            throw e;
        }
    }

    private List<String> macs(String prefix) {
        return list(prefix).stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length())).toList();
    }

    private Optional<String> read(String key) {
        try {
            return readOrFail(key);
        } catch (KubermeshException e) {
            LOG.debug("enrolment: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<String> readOrFail(String key) {
        try {
            var r = EtcdClients.await(etcd.client().getKVClient().get(bytes(key)), call, "read " + key);
            return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
        } catch (KubermeshException e) {
            etcd.drop();
            throw e;
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
