package io.kubermesh.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.controlplane.MachineRecord;
import io.kubermesh.controlplane.kubernetes.crd.Machine;
import io.kubermesh.controlplane.kubernetes.crd.MachineSpec;
import io.kubermesh.controlplane.kubernetes.crd.MachineStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings Kubernetes in line with the machine records, one pass per call:
 * <ul>
 * <li>a Node of a live machine gets the plan's {@code spec.podCIDRs} (its IPv6 pods prefix, then
 *     its IPv4 pod subnet if it has one; set once, as the apiserver allows), the identity label and
 *     annotations for its block, host address and neighbours, and is uncordoned if kubermesh had
 *     cordoned it;</li>
 * <li>a Node of a machine not seen for {@link Grace#cordonAfter()} is cordoned, and deleted after
 *     {@link Grace#deleteAfter()};</li>
 * <li>a {@code Machine} object mirrors every record; Machine objects without a record are deleted.</li>
 * </ul>
 * Nodes that no record names are left alone.
 */
public final class NodeReconciler {
    public static final String IDENTITY_LABEL = JoinTokens.IDENTITY_LABEL;
    public static final String MESH_LABEL = "kubermesh.io/mesh";
    public static final String BLOCK_ANNOTATION = "kubermesh.io/block";
    public static final String HOST_ANNOTATION = "kubermesh.io/host";
    public static final String NEIGHBOURS_ANNOTATION = "kubermesh.io/neighbours";
    public static final String CORDONED_ANNOTATION = "kubermesh.io/cordoned";

    /** How long a machine may go unseen before its Node is cordoned, and before it is deleted. */
    public record Grace(Duration cordonAfter, Duration deleteAfter) {
        public Grace {
            if (cordonAfter.isNegative() || deleteAfter.compareTo(cordonAfter) < 0) {
                throw new IllegalArgumentException("grace periods must satisfy 0 <= cordonAfter <= deleteAfter, got "
                        + cordonAfter + " and " + deleteAfter);
            }
        }
    }

    /** What one pass changed, by Node or Machine name. */
    public record Outcome(List<String> updated, List<String> cordoned, List<String> uncordoned, List<String> deleted,
                          List<String> machinesWritten, List<String> machinesRemoved, List<String> conflicts) {
    }

    private final KubernetesClient client;
    private final AddressPlan plan;
    private final Clock clock;
    private final Grace grace;

    public NodeReconciler(KubernetesClient client, AddressPlan plan, Clock clock, Grace grace) {
        this.client = client;
        this.plan = plan;
        this.clock = clock;
        this.grace = grace;
    }

    /** One reconciliation pass over {@code records}. */
    public Outcome reconcile(List<MachineRecord> records) {
        List<String> updated = new ArrayList<>();
        List<String> cordoned = new ArrayList<>();
        List<String> uncordoned = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        Instant now = clock.instant();
        for (MachineRecord r : records) {
            Node node = client.nodes().withName(r.name()).get();
            if (node == null) {
                continue; // not joined yet
            }
            Duration gone = Duration.between(r.lastSeen(), now);
            if (gone.compareTo(grace.deleteAfter()) >= 0) {
                client.nodes().withName(r.name()).delete();
                deleted.add(r.name());
            } else if (gone.compareTo(grace.cordonAfter()) >= 0) {
                if (!Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
                    client.nodes().withName(r.name()).edit(n -> {
                        n.getSpec().setUnschedulable(true);
                        annotations(n).put(CORDONED_ANNOTATION, "machine not seen since " + r.lastSeen());
                        return n;
                    });
                    cordoned.add(r.name());
                }
            } else {
                boolean wasOurs = annotations(node).containsKey(CORDONED_ANNOTATION);
                List<String> cidrs = podCidrs(r);
                List<String> have = node.getSpec().getPodCIDRs() == null ? List.of() : node.getSpec().getPodCIDRs();
                if (!have.isEmpty() && !have.equals(cidrs)) {
                    conflicts.add(r.name() + ": has podCIDRs " + have + ", the plan says " + cidrs
                            + " (podCIDRs cannot change once set; delete the Node to fix)");
                }
                Map<String, String> labels = Map.of(IDENTITY_LABEL, JoinTokens.label(r.identity()), MESH_LABEL, "true");
                Map<String, String> notes = notes(r);
                boolean changes = have.isEmpty() || wasOurs || !contains(node.getMetadata().getLabels(), labels)
                        || !contains(node.getMetadata().getAnnotations(), notes);
                if (changes) {
                    client.nodes().withName(r.name()).edit(n -> {
                        if (n.getSpec().getPodCIDRs() == null || n.getSpec().getPodCIDRs().isEmpty()) {
                            n.getSpec().setPodCIDRs(cidrs);
                            n.getSpec().setPodCIDR(cidrs.get(0));
                        }
                        labels(n).putAll(labels);
                        annotations(n).putAll(notes);
                        if (wasOurs) {
                            n.getSpec().setUnschedulable(false);
                            annotations(n).remove(CORDONED_ANNOTATION);
                        }
                        return n;
                    });
                    updated.add(r.name());
                    if (wasOurs) {
                        uncordoned.add(r.name());
                    }
                }
            }
        }
        List<String> removed = new ArrayList<>();
        List<String> written = mirrorMachines(records, removed);
        return new Outcome(updated, cordoned, uncordoned, deleted, written, removed, conflicts);
    }

    /** The Node's pod CIDRs by the plan: the IPv6 pods prefix first, then the IPv4 pod subnet if any. */
    public List<String> podCidrs(MachineRecord r) {
        List<String> cidrs = new ArrayList<>();
        cidrs.add(plan.node(r.identity()).pods().toString());
        r.ipv4Pods().ifPresent(p -> cidrs.add(p.toString()));
        return List.copyOf(cidrs);
    }

    /** The annotations a machine's Node carries: block, host address, neighbours as {@code port=machine,...}. */
    public Map<String, String> notes(MachineRecord r) {
        NodeBlock b = plan.node(r.identity());
        return Map.of(BLOCK_ANNOTATION, b.block().toString(), HOST_ANNOTATION, b.host().toString(),
                NEIGHBOURS_ANNOTATION, r.neighbours().stream().map(n -> n.port() + "=" + n.machine())
                        .collect(Collectors.joining(",")));
    }

    private List<String> mirrorMachines(List<MachineRecord> records, List<String> removed) {
        var machines = client.resources(Machine.class);
        Set<String> names = new HashSet<>();
        List<String> written = new ArrayList<>();
        for (MachineRecord r : records) {
            names.add(r.name());
            Machine desired = machine(r);
            Machine existing = machines.withName(r.name()).get();
            if (existing == null) {
                machines.resource(desired).create();
            } else {
                desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                desired = machines.resource(desired).update();
            }
            // The status is a subresource: written on its own, as the apiserver wants.
            Machine withStatus = machines.withName(r.name()).get();
            withStatus.setStatus(status(r));
            machines.resource(withStatus).updateStatus();
            written.add(r.name());
        }
        for (Machine m : machines.list().getItems()) {
            if (!names.contains(m.getMetadata().getName())) {
                machines.withName(m.getMetadata().getName()).delete();
                removed.add(m.getMetadata().getName());
            }
        }
        return written;
    }

    private Machine machine(MachineRecord r) {
        Machine m = new Machine();
        m.setMetadata(new ObjectMetaBuilder().withName(r.name())
                .addToLabels(IDENTITY_LABEL, JoinTokens.label(r.identity())).build());
        MachineSpec spec = new MachineSpec();
        spec.setIdentity(r.identity().toString());
        r.bootMac().ifPresent(b -> spec.setBootMac(b.toString()));
        m.setSpec(spec);
        return m;
    }

    MachineStatus status(MachineRecord r) {
        NodeBlock b = plan.node(r.identity());
        MachineStatus s = new MachineStatus();
        s.setState(r.state());
        s.setBlock(b.block().toString());
        s.setHost(b.host().toString());
        s.setPods(b.pods().toString());
        s.setLastSeen(r.lastSeen().toString());
        List<MachineStatus.Neighbour> ns = new ArrayList<>();
        for (MachineRecord.Neighbour n : r.neighbours()) {
            MachineStatus.Neighbour x = new MachineStatus.Neighbour();
            x.setPort(n.port());
            x.setMachine(n.machine());
            ns.add(x);
        }
        s.setNeighbours(ns);
        List<MachineStatus.BootEvent> history = new ArrayList<>();
        for (MachineRecord.BootEvent e : r.bootHistory()) {
            MachineStatus.BootEvent x = new MachineStatus.BootEvent();
            x.setTime(e.at().toString());
            x.setEvent(e.event());
            x.setVia(e.via());
            history.add(x);
        }
        s.setBootHistory(history);
        return s;
    }

    private static Map<String, String> labels(Node n) {
        if (n.getMetadata().getLabels() == null) {
            n.getMetadata().setLabels(new HashMap<>());
        }
        return n.getMetadata().getLabels();
    }

    private static Map<String, String> annotations(Node n) {
        if (n.getMetadata().getAnnotations() == null) {
            n.getMetadata().setAnnotations(new HashMap<>());
        }
        return n.getMetadata().getAnnotations();
    }

    private static boolean contains(Map<String, String> have, Map<String, String> want) {
        return have != null && want.entrySet().stream().allMatch(e -> Objects.equals(have.get(e.getKey()), e.getValue()));
    }
}
