package io.kubermesh.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.etcd.EtcdAccess;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's routing keys in etcd (docs/trust.md, "Rolling the routing key"): one record,
 * {@value #KEY}, holding the step of the last roll and the ring every machine must hold, written
 * by an etcd member's agent ({@code kubermesh routing-key roll}; only members may write it) and
 * read by every machine's agent, which applies the ring to its routing daemon
 * ({@link RoutingPorts}). A roll is three steps, each taken only once every machine holds the
 * ring of the one before: {@link Step#ACCEPT} (every machine accepts a new key while signing with
 * the old), {@link Step#SEND} (every machine signs with the new key and still accepts the old),
 * {@link Step#RETIRE} (the new key alone: a machine that kept the old key, a denied one, forms no
 * adjacency any more). With no record the cluster was never rolled and every machine holds the key
 * it was enrolled with.
 */
final class RoutingKeys {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = EtcdAccess.ROUTING_KEYS_PREFIX + "ring";

    /** The steps of a roll, in order. */
    enum Step {
        ACCEPT, SEND, RETIRE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Step of(String word) {
            for (Step s : values()) {
                if (s.word().equals(word)) {
                    return s;
                }
            }
            throw new KubermeshException("the routing keys in etcd (" + KEY + ") name an unknown step '" + word + "'");
        }
    }

    /** What {@value #KEY} holds: the step reached and the ring that goes with it. */
    record Record(Step step, RoutingKeyring ring) {
        String toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("step", step.word());
            o.put("ring", ring.format());
            return o.toString();
        }

        static Record parse(String json) {
            try {
                JsonNode o = JSON.readTree(json);
                if (o == null || !o.path("step").isTextual() || !o.path("ring").isTextual()) {
                    throw new KubermeshException("the routing keys in etcd (" + KEY + ") are malformed: no step or ring");
                }
                return new Record(Step.of(o.get("step").asText()), RoutingKeyring.parse(o.get("ring").asText()));
            } catch (IOException e) {
                throw new KubermeshException("the routing keys in etcd (" + KEY + ") are not JSON: " + e.getMessage(), e);
            } catch (io.kubermesh.api.ConfigurationException e) {
                throw new KubermeshException("the routing keys in etcd (" + KEY + ") are malformed: " + e.getMessage(), e);
            }
        }

        ControlAnswers.RoutingKeys answer() {
            return new ControlAnswers.RoutingKeys(step.word(), ring.ids());
        }
    }

    /**
     * The record after {@code current}: a new key accepted (from no record, or after a
     * retirement), the new key signed with, the old key retired. {@code local} is the ring of the
     * member taking the step, which starts the first roll.
     */
    static Record next(Optional<Record> current, RoutingKeyring local, SecureRandom random) {
        if (current.isEmpty() || current.get().step() == Step.RETIRE) {
            RoutingKeyring base = current.map(Record::ring).orElse(local);
            if (!base.accepted().isEmpty()) {
                throw new KubermeshException("this member holds the routing keys " + base.ids() + " while etcd records no"
                        + " roll under way: its key file was changed by hand; write it back to one key before rolling");
            }
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            RoutingKey fresh = new RoutingKey(base.send().id() % 65535 + 1, HexFormat.of().formatHex(secret));
            return new Record(Step.ACCEPT, new RoutingKeyring(base.send(), List.of(fresh)));
        }
        RoutingKeyring ring = current.get().ring();
        if (ring.accepted().size() != 1) {
            throw new KubermeshException("the routing keys in etcd are at step " + current.get().step().word()
                    + " with the ring " + ring.ids() + ", which that step never has");
        }
        RoutingKey other = ring.accepted().get(0);
        return switch (current.get().step()) {
            case ACCEPT -> new Record(Step.SEND, new RoutingKeyring(other, List.of(ring.send())));
            case SEND -> new Record(Step.RETIRE, RoutingKeyring.of(ring.send()));
            case RETIRE -> throw new IllegalStateException("handled above");
        };
    }

    private final NodeEtcdConnection etcd;
    private final Path state;
    private final Duration call;
    private final SecureRandom random = new SecureRandom();

    RoutingKeys(NodeEtcdConnection etcd, Path state, Duration call) {
        this.etcd = etcd;
        this.state = state;
        this.call = call;
    }

    /** The record as etcd holds it now, with this node's certificate; empty when never rolled. */
    Optional<Record> read() {
        List<KeyValue> kvs;
        try {
            kvs = EtcdClients.await(etcd.client().getKVClient().get(bytes(KEY)), call, "read the routing keys").getKvs();
        } catch (KubermeshException e) {
            // the connection is shared: forget it only when etcd did not answer, not for what it answered
            if (!String.valueOf(e.getMessage()).contains("permission denied")) {
                etcd.drop();
            }
            throw e;
        }
        return kvs.isEmpty() ? Optional.empty() : Optional.of(Record.parse(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)));
    }

    /** What {@code routing-key} answers: the step and the ring's ids, without a secret. */
    ControlAnswers.RoutingKeys view() {
        return read().map(Record::answer).orElseGet(() -> new ControlAnswers.RoutingKeys("none",
                RoutingKeyring.read(PkiFiles.routingKey(state)).ids()));
    }

    /** The step a record is at, {@code none} for no record. */
    static String stepOf(Optional<Record> record) {
        return record.map(r -> r.step().word()).orElse("none");
    }

    /** The step after {@code step} ({@code none} and {@code retire} are followed by {@code accept}). */
    static String stepAfter(String step) {
        return switch (step) {
            case "none", "retire" -> "accept";
            case "accept" -> "send";
            case "send" -> "retire";
            default -> throw new KubermeshException("'" + step + "' is no step of a routing key roll (none, accept, send, retire)");
        };
    }

    /**
     * The record to write for the step after {@code from}, or empty when {@code current} is that
     * step already (a retry, or another roll took it: nothing to write); a failure at any other step.
     */
    static Optional<Record> stepFrom(String from, Optional<Record> current, RoutingKeyring local, SecureRandom random) {
        String after = stepAfter(from);
        String now = stepOf(current);
        if (now.equals(after) && !now.equals(from)) {
            return Optional.empty();
        }
        if (!now.equals(from)) {
            throw new KubermeshException("the routing key roll is at step " + now + ", not " + from
                    + " as the caller saw (another roll at the same time?); run the command again");
        }
        return Optional.of(next(current, local, random));
    }

    /**
     * Takes the step after {@code from} (the step the caller saw every machine hold) with this
     * node's member certificate, as a compare-and-set on the record read. If the record is already
     * one step past {@code from} (a retry of a step that was taken, or another roll at the same
     * time that took it), that step is answered and nothing is written; any other step is an
     * error: a step is never taken from one that not every machine was seen to hold.
     */
    ControlAnswers.RoutingKeys roll(String node, String from) {
        stepAfter(from);
        Path pki = PkiFiles.directory(state);
        if (!Files.exists(pki.resolve(PkiFiles.MEMBER + ".crt"))) {
            throw new KubermeshException("only an etcd member's agent rolls the routing key, and " + node
                    + " is no member; run the command against a member's agent");
        }
        try (Client member = EtcdClients.connect(List.of(etcd.endpoint()), NodeCredentials.read(pki, PkiFiles.MEMBER))) {
            List<KeyValue> kvs = EtcdClients.await(member.getKVClient().get(bytes(KEY)), call, "read the routing keys")
                    .getKvs();
            Optional<Record> current = kvs.isEmpty() ? Optional.empty()
                    : Optional.of(Record.parse(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)));
            Optional<Record> next = stepFrom(from, current, RoutingKeyring.read(PkiFiles.routingKey(state)), random);
            if (next.isEmpty()) {
                return current.orElseThrow().answer();
            }
            Cmp unchanged = kvs.isEmpty() ? new Cmp(bytes(KEY), Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                    : new Cmp(bytes(KEY), Cmp.Op.EQUAL, CmpTarget.modRevision(kvs.get(0).getModRevision()));
            boolean done = EtcdClients.await(member.getKVClient().txn().If(unchanged)
                    .Then(Op.put(bytes(KEY), bytes(next.get().toJson()), PutOption.DEFAULT)).commit(), call,
                    "record the routing keys").isSucceeded();
            if (!done) {
                throw new KubermeshException("the routing keys changed in etcd while this roll read them (another roll at"
                        + " the same time?); run the command again");
            }
            LOG.info("routing keys: step {}, every machine is to hold {}", next.get().step().word(), next.get().ring().ids());
            return next.get().answer();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
