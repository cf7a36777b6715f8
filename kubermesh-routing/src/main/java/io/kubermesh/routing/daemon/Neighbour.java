package io.kubermesh.routing.daemon;

/**
 * One OSPF adjacency as the daemon reports it.
 *
 * @param interfaceName the port the neighbour is on ({@code cluster0}, ...)
 * @param routerId the neighbour's router id, dotted quad
 * @param state the daemon's own word for the adjacency state ({@code Full}, {@code Full/PtP}, {@code Init}, ...)
 * @param full whether the adjacency is full, the only state in which routes use it
 */
public record Neighbour(String interfaceName, String routerId, String state, boolean full) {
}
