package io.kubermesh.routing.daemon.frr;

import io.kubermesh.routing.daemon.Neighbour;
import java.util.List;
import java.util.Set;

/**
 * Finds adjacencies that FRR 8.4's ospf6d leaves stuck in the database exchange: seen in
 * {@code FrrMeshIT}, after a neighbour was powered off and on again, one end stayed in
 * {@code ExStart} and the other in {@code ExChange} for more than 30 s while hellos kept the
 * neighbour alive, so nothing ever reset it; every other adjacency of both ends was full. A
 * database exchange between two mesh nodes takes milliseconds (a few LSAs a node), so one still
 * under way after {@link #AUDITS} audits ({@link FrrDaemon#AUDIT_EVERY} apart) is stuck.
 *
 * <p>Pure: it reads what {@link FrrReadback#neighbours} parsed.
 */
public final class StuckAdjacencies {
    /** The audits in a row that must see the same adjacency exchanging before it counts as stuck. */
    static final int AUDITS = 3;
    /** The states of the exchange (RFC 5340 / 2328 section 10.1), as {@code show ipv6 ospf6 neighbor json} names them. */
    private static final Set<String> EXCHANGING = Set.of("ExStart", "ExChange", "Exchange", "Loading");

    private StuckAdjacencies() {
    }

    /** One adjacency in the database exchange now. */
    public record Stuck(String port, String neighbour, String state) implements AuditFinding {
        @Override
        public String key() {
            return "adjacency " + neighbour + "@" + port;
        }

        @Override
        public int audits() {
            return AUDITS;
        }

        @Override
        public String describe() {
            return "the adjacency with " + neighbour + " on " + port + " is still in " + state + " after " + AUDITS
                    + " audits";
        }
    }

    /** The adjacencies in the exchange, in port order. */
    public static List<Stuck> find(List<Neighbour> neighbours) {
        return neighbours.stream().filter(n -> EXCHANGING.contains(n.state()))
                .map(n -> new Stuck(n.interfaceName(), n.routerId(), n.state())).toList();
    }
}
