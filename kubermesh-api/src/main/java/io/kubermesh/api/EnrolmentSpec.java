package io.kubermesh.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may join the cluster ({@code cluster.enrolment}, ARCHITECTURE.md "Trust"). Plugging in is
 * how a machine joins, so this is where trust is given:
 *
 * <ul>
 *   <li>{@code auto}: any machine that netboots is enrolled (the lab's default);</li>
 *   <li>{@code inventory}: only the MACs listed in {@code machines} or in the list file
 *       {@code file} (one MAC a line, {@code #} comments), read again at every boot;</li>
 *   <li>{@code approve}: a new machine waits as discovered until an operator runs
 *       {@code kubermesh approve MAC} ({@code kubermesh deny MAC} refuses it).</li>
 * </ul>
 *
 * Under every policy a denied MAC is refused. Written either as the policy alone
 * ({@code enrolment: approve}) or as {@code {policy: inventory, machines: [...], file: PATH}}.
 */
public record EnrolmentSpec(Policy policy, List<MacAddress> machines, Optional<Path> file) {
    /** The policies. */
    public enum Policy {
        AUTO, INVENTORY, APPROVE;

        /** The word in the cluster file. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Every machine that netboots is enrolled. */
    public static final EnrolmentSpec DEFAULT = new EnrolmentSpec(Policy.AUTO, List.of(), Optional.empty());

    public EnrolmentSpec {
        machines = machines == null ? List.of() : List.copyOf(machines);
        file = file == null ? Optional.empty() : file;
        if (policy == null) {
            throw new ConfigurationException("cluster.enrolment.policy", null, "one of auto, inventory, approve");
        }
        if (file.isPresent() && !file.get().isAbsolute()) {
            throw new ConfigurationException("cluster.enrolment.file", file.get().toString(), "an absolute path");
        }
        if (policy == Policy.INVENTORY && machines.isEmpty() && file.isEmpty()) {
            throw new ConfigurationException("cluster.enrolment", "inventory",
                    "an inventory with machines: [MAC, ...] or file: PATH (a list of MACs)");
        }
    }
}
