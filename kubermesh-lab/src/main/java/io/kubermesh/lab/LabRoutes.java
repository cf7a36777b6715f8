package io.kubermesh.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.model.RouteModel;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Predicted beside installed routes in the lab. The prediction is kubermesh-routing's
 * {@link RouteModel} over what is up now: the machines that are powered, the cables between them,
 * each machine's block from its identity, the anycast addresses each agent says it holds, and the
 * link-local address at each end of each cable (as each agent reports its ports, so next hops
 * compare with the kernel's). The installed routes are what each agent reads from its kernel's
 * main table.
 */
final class LabRoutes {
    private final Substrate substrate;
    private final MachineAgents agents;
    private final AddressPlan plan;
    private final LabStatus status;

    LabRoutes(Substrate substrate, MachineAgents agents, AddressPlan plan, LabStatus status) {
        this.substrate = substrate;
        this.agents = agents;
        this.plan = plan;
        this.status = status;
    }

    /** The comparison for every destination of {@code from} (every powered machine when empty), in machine order. */
    List<RouteComparison> compare(Optional<String> from) {
        List<MachineStatus> machines = substrate.machines();
        from.ifPresent(f -> machines.stream().filter(m -> m.name().equals(f)).findFirst().orElseThrow(() ->
                new SubstrateException("there is no machine " + f + " in this lab; it has "
                        + machines.stream().map(MachineStatus::name).toList())));
        Map<Ipv6Prefix, String> targets = new HashMap<>();
        Map<String, NodeBlock> blocks = new LinkedHashMap<>();
        Map<Ipv6Address, Set<String>> holders = new HashMap<>();
        Map<String, Ipv6Address> anycastByName = new HashMap<>();
        plan.anycast().forEach(s -> {
            anycastByName.put(s.name(), s.address());
            targets.put(new Ipv6Prefix(s.address(), 128), "anycast " + s.name());
        });
        List<Topology.Machine> on = new ArrayList<>();
        for (MachineStatus m : machines) {
            Optional<NodeStatus> agent = status.agent(m);
            NodeBlock b = plan.node(LabStatus.identity(m, agent));
            targets.put(new Ipv6Prefix(b.host(), 128), m.name() + " host");
            targets.put(b.pods(), m.name() + " pods");
            if (m.powered()) {
                on.add(new Topology.Machine(m.name(), m.nics().size()));
                blocks.put(m.name(), b);
                agent.ifPresent(s -> s.anycast().stream().map(anycastByName::get).filter(a -> a != null)
                        .forEach(a -> holders.computeIfAbsent(a, k -> new TreeSet<>()).add(m.name())));
            }
        }
        if (from.isPresent() && !blocks.containsKey(from.get())) {
            throw new SubstrateException(from.get() + " is powered off: it has no routes");
        }
        List<Cable> cables = substrate.topology().cables().stream()
                .filter(c -> blocks.containsKey(c.a().machine()) && blocks.containsKey(c.b().machine())).toList();
        Map<PortRef, Ipv6Address> linkLocals = new HashMap<>();
        for (String m : blocks.keySet()) {
            for (ControlAnswers.PortNeighbours p : ask(m, AgentClient::neighbours, new ControlAnswers.Neighbours(List.of())).ports()) {
                if (p.linkLocal() != null) {
                    linkLocals.put(new PortRef(m, p.index()), Ipv6Address.parse(p.linkLocal()));
                }
            }
        }
        RouteModel model = new RouteModel(new Topology(on, cables), blocks, holders, linkLocals);
        List<RouteComparison> out = new ArrayList<>();
        for (String m : blocks.keySet()) {
            if (from.isPresent() && !from.get().equals(m)) {
                continue;
            }
            // Its own host, pods and the anycast it holds are local routes on its stub, not routes to compare.
            Map<Ipv6Prefix, String> elsewhere = new HashMap<>(targets);
            NodeBlock own = blocks.get(m);
            elsewhere.remove(new Ipv6Prefix(own.host(), 128));
            elsewhere.remove(own.pods());
            holders.forEach((a, who) -> {
                if (who.contains(m)) {
                    elsewhere.remove(new Ipv6Prefix(a, 128));
                }
            });
            List<Route> predicted = model.routes(m);
            for (RouteComparison row : RouteComparison.compare(m, predicted, installed(m), elsewhere)) {
                Set<String> who = row.target().startsWith("anycast ")
                        ? holders.getOrDefault(Ipv6Prefix.parse(row.destination()).network(), Set.of()) : Set.of();
                Set<NextHop> towardsHolders = new java.util.HashSet<>();
                for (String h : who) {
                    Ipv6Prefix host = new Ipv6Prefix(blocks.get(h).host(), 128);
                    predicted.stream().filter(r -> r.destination().equals(host)).forEach(r -> towardsHolders.addAll(r.nextHops()));
                }
                out.add(RouteComparison.towardsAHolder(row, towardsHolders));
            }
        }
        return out;
    }

    /** The routes the agent of {@code machine} reads from its kernel. */
    private List<Route> installed(String machine) {
        List<Route> out = new ArrayList<>();
        for (ControlAnswers.InstalledRoute r : ask(machine, AgentClient::routes, new ControlAnswers.Routes(List.of())).routes()) {
            List<NextHop> hops = new ArrayList<>();
            r.nextHops().forEach(h -> hops.add(new NextHop(h.interfaceName(), h.via() == null ? null : Ipv6Address.parse(h.via()))));
            out.add(new Route(Ipv6Prefix.parse(r.destination()), hops));
        }
        return out;
    }

    /** What the agent answers; {@code otherwise} when a powered machine's agent does not (then nothing is installed that it knows of). */
    private <T> T ask(String machine, java.util.function.Function<AgentClient, T> question, T otherwise) {
        try {
            return agents.ask(machine, question);
        } catch (io.kubermesh.api.NotApplicableException e) {
            throw e;
        } catch (io.kubermesh.api.KubermeshException e) {
            return otherwise;
        }
    }
}
