package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;
import java.util.List;

/**
 * Who may join the mesh, and what an admitted machine is given (ARCHITECTURE.md, "Trust").
 * Plugging in is how a machine joins, so the boot services ask this before they serve a machine
 * its installer and when they render its Ignition config. The agent supplies the cluster's policy
 * ({@code cluster.enrolment: auto | inventory | approve}) and its certificate authority; the boot
 * services alone ({@code kubermesh boot serve}, tests) use {@link #OPEN}.
 */
public interface Enrolment {
    /** What the policy says of a machine that netboots. */
    enum Verdict {
        /** Enrolled: it gets its installer, its Ignition config and its credentials. */
        ADMITTED,
        /** Held as discovered until an operator approves it (policy {@code approve}); its boot chain waits and retries. */
        PENDING,
        /** Not admitted (not in the inventory, or denied): an address on its port and nothing else. */
        DENIED
    }

    /** The policy's verdict on {@code mac}; asked at every boot, so an approval takes effect at the machine's next retry. */
    Verdict verdict(MacAddress mac);

    /**
     * The credentials of an admitted machine as Ignition files (mode 0600): its own key and
     * certificate, the cluster CA certificate, the routing key. Delivered only inside its Ignition
     * config, which is served only to its MAC on the node port it arrived on. Never asked for a
     * machine whose verdict is not {@link Verdict#ADMITTED}.
     */
    List<Ignition.File> credentials(MacAddress mac);

    /** Every machine admitted, with no credentials: the boot services on their own. */
    Enrolment OPEN = new Enrolment() {
        @Override
        public Verdict verdict(MacAddress mac) {
            return Verdict.ADMITTED;
        }

        @Override
        public List<Ignition.File> credentials(MacAddress mac) {
            return List.of();
        }

        @Override
        public String toString() {
            return "Enrolment.OPEN";
        }
    };
}
