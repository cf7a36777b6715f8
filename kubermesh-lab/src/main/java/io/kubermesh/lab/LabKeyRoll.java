package io.kubermesh.lab;

import io.kubermesh.spi.Substrate;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A roll of the cluster's routing key through the lab (docs/trust.md, "Rolling the routing key"):
 * the steps taken through an etcd voter's agent, and the wait, after each, until every admitted
 * machine's agent shows the step's ring in its {@code routing/key} component.
 */
final class LabKeyRoll {
    private final Lab lab;
    private final Substrate substrate;
    private final Consumer<String> progress;

    LabKeyRoll(Lab lab, Substrate substrate, Consumer<String> progress) {
        this.lab = lab;
        this.substrate = substrate;
        this.progress = progress;
    }

    /**
     * Rolls the cluster's routing key (docs/trust.md, "Rolling the routing key"). A roll left
     * half way (its step not held by every machine yet, {@code retire} included) is finished
     * first; otherwise the three steps are taken. Each step names the one before, which every
     * machine was seen to hold, so a retry on another voter or a second roll at the same time
     * never skips one. Before each next step every machine must show the ring of the last one in
     * its {@code routing/key} component, except a machine an operator denied (it can no longer
     * read etcd, keeps the old key, and is left without adjacencies by the last step: that is
     * what the roll is for). A machine that is powered off counts as not holding it: it would
     * miss the step and be cut off when it comes back. A machine that does not hold it within
     * {@code perStep} stops the roll at that step, which running it again finishes.
     */
    io.kubermesh.agent.control.ControlAnswers.RoutingKeys roll(Duration perStep) {
        var now = lab.routingKeys();
        if (!now.step().equals("none") && !laggingBehind(now.ids()).isEmpty()) {
            progress.accept("routing key: the roll stopped at step " + now.step() + "; every machine is to hold " + now.ids()
                    + " first");
            awaitRing(now.ids(), perStep);
            if (now.step().equals("retire")) {
                return now;
            }
        }
        do {
            String from = now.step();
            now = lab.askVoter(c -> c.rollRoutingKey(from), "took the step after " + from);
            progress.accept("routing key: step " + now.step() + ", every machine is to hold " + now.ids());
            awaitRing(now.ids(), perStep);
        } while (!now.step().equals("retire"));
        return now;
    }

    /**
     * The machines that do not hold the ring {@code ids}, each with what it holds; denied ones
     * are left out (with a line of progress), and a denied one that is still an etcd member is
     * an error: it would read the new key from its own copy of etcd.
     */
    private List<String> laggingBehind(String ids) {
        java.util.Set<String> denied = new java.util.HashSet<>(lab.enrolment().map(
                io.kubermesh.agent.control.ControlAnswers.Enrolment::denied).orElse(List.of()));
        java.util.Set<String> powered = new java.util.HashSet<>();
        substrate.machines().stream().filter(io.kubermesh.spi.MachineStatus::powered).forEach(m -> powered.add(m.name()));
        List<String> lagging = new java.util.ArrayList<>();
        for (MachineView m : lab.status()) {
            if (m.state().equals("gone")) {
                continue;
            }
            if (m.identity() != null && denied.contains(m.identity())) {
                if (m.etcd() != null) {
                    throw new io.kubermesh.api.KubermeshException("the routing key roll cannot cut off " + m.name() + " ("
                            + m.identity() + "): it is denied but still an etcd member, which reads the new key from its"
                            + " own copy of etcd; remove it from the cluster first (kubermesh kill " + m.name() + ", then"
                            + " plug a new machine in its place)");
                }
                continue;
            }
            if (!powered.contains(m.name())) {
                lagging.add(m.name() + " (powered off: it would miss the new key and be cut off when it comes back;"
                        + " kubermesh revive " + m.name() + ")");
                continue;
            }
            var key = m.components().stream().filter(c -> c.name().equals("routing/key")).findFirst();
            if (key.isEmpty() || !ids.equals(key.get().detail()) || !key.get().state().equals("running")) {
                lagging.add(m.name() + " (" + key.map(c -> c.state() + ", holds " + c.detail()
                        + (c.error() == null ? "" : ", " + c.error())).orElse("its agent does not answer") + ")");
            }
        }
        return lagging;
    }

    private void awaitRing(String ids, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        lab.enrolment().map(io.kubermesh.agent.control.ControlAnswers.Enrolment::denied).filter(d -> !d.isEmpty())
                .ifPresent(d -> progress.accept("routing key: denied, so left out (they keep the old key and have no"
                        + " adjacency once it is retired): " + String.join(", ", d)));
        while (true) {
            List<String> lagging = laggingBehind(ids);
            if (lagging.isEmpty()) {
                progress.accept(String.format(java.util.Locale.ROOT, "routing key: every admitted machine holds %s (%.1f s)",
                        ids, (System.nanoTime() - start) / 1e9));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new io.kubermesh.api.KubermeshException("the routing key roll stops here: not every machine holds " + ids
                        + " after " + timeout.toSeconds() + " s: " + String.join("; ", lagging)
                        + "; every machine that holds the ring of this step or the one before hears every other;"
                        + " run the roll again once they do, and it finishes from this step");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.kubermesh.api.KubermeshException("interrupted while waiting for the machines to take " + ids);
            }
        }
    }
}
