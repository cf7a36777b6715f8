package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.Enrolment;
import io.kubermesh.boot.machine.Ignition;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's {@link Enrolment} on this node (ARCHITECTURE.md, "Trust"): the policy of
 * {@code cluster.enrolment} judged against the operator's decisions kept in etcd
 * ({@link EnrolmentDecisions}) and the inventory ({@link EnrolmentInventory}); an admitted
 * machine's credentials come from {@link CredentialIssuer}.
 */
public final class ClusterEnrolment implements Enrolment, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEnrolment.class);
    private static final Duration CALL = Duration.ofSeconds(3);

    private final EnrolmentSpec policy;
    /** False when the cluster file turns etcd off ({@code etcdMembers: 0}): no decisions to read. */
    private final boolean controlPlane;
    private final NodeEtcdConnection etcd;
    private final EnrolmentDecisions decisions;
    private final CredentialIssuer issuer;
    private final RoutingKeys routingKeys;

    public ClusterEnrolment(AddressPlan plan, AgentSettings settings, Clock clock) {
        this.policy = plan.spec().enrolment();
        this.controlPlane = plan.spec().controlPlane().etcd();
        this.etcd = new NodeEtcdConnection(plan, settings.stateDirectory());
        this.decisions = new EnrolmentDecisions(etcd, settings, clock, CALL);
        this.issuer = new CredentialIssuer(etcd, settings.stateDirectory(), clock, CALL, controlPlane);
        this.routingKeys = controlPlane ? new RoutingKeys(etcd, settings.stateDirectory(), CALL) : null;
    }

    @Override
    public Verdict verdict(MacAddress mac) {
        return verdict(mac, false);
    }

    /** With {@code strict}, a denial that cannot be read now is a failure rather than no denial. */
    private Verdict verdict(MacAddress mac, boolean strict) {
        if (controlPlane && decisions.denied(mac, strict)) {
            return Verdict.DENIED;
        }
        return switch (policy.policy()) {
            case AUTO -> Verdict.ADMITTED;
            case INVENTORY -> EnrolmentInventory.read(policy).contains(mac) || (controlPlane && decisions.approved(mac))
                    ? Verdict.ADMITTED : Verdict.DENIED;
            case APPROVE -> {
                if (controlPlane && decisions.approved(mac)) {
                    yield Verdict.ADMITTED;
                }
                if (controlPlane) {
                    decisions.notePending(mac);
                }
                yield Verdict.PENDING;
            }
        };
    }

    /**
     * True when an operator denied {@code mac} (etcd holds its denial); false also when etcd cannot
     * be read now: what the mesh control endpoint asks of each node that talks to it.
     */
    public boolean denied(MacAddress mac) {
        return controlPlane && decisions.denied(mac, false);
    }

    /**
     * True when {@code mac} is admitted now: what the leading member asks before it signs. When
     * the denials cannot be read, false: a machine an operator denied is never signed for because
     * etcd was slow to answer (the machine asks again on its next attempt).
     */
    public boolean admitted(MacAddress mac) {
        try {
            return verdict(mac, true) == Verdict.ADMITTED;
        } catch (KubermeshException e) {
            LOG.warn("enrolment: not signing for {} now: its denial cannot be read ({})", mac, e.getMessage());
            return false;
        }
    }

    @Override
    public List<Ignition.File> credentials(MacAddress mac) {
        return issuer.issue(mac);
    }

    /** The policy and the decisions held in etcd, for {@code kubermesh enrolment}. */
    public ControlAnswers.Enrolment view() {
        return decisions.view(policy.policy().word());
    }

    /** Records an operator's decision ({@code kubermesh approve|deny MAC}); see {@link EnrolmentDecisions#decide}. */
    public ControlAnswers.Decision decide(MacAddress mac, boolean approve) {
        return decisions.decide(mac, approve);
    }

    /**
     * The cluster's routing keys in etcd, read and rolled through this node's connection; empty
     * when the cluster file turns etcd off (the key a machine was enrolled with is then never rolled).
     */
    Optional<RoutingKeys> routingKeys() {
        return Optional.ofNullable(routingKeys);
    }

    @Override
    public void close() {
        etcd.close();
    }
}
