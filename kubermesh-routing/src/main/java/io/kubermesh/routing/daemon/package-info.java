/**
 * Routing daemons driven by generated configuration: the {@link io.kubermesh.routing.daemon.RoutingDaemon}
 * SPI, its providers ({@code frr}: zebra + ospf6d + bfdd; {@code bird}: BIRD 2) found by name
 * through {@link io.kubermesh.routing.daemon.RoutingDaemons} or used directly, and the
 * {@link io.kubermesh.routing.daemon.Supervisor} that keeps their processes running. Every node's
 * daemon runs inside the node's network namespace ({@code nsenter --net}) with its own state
 * directory; nothing here configures the network itself.
 */
package io.kubermesh.routing.daemon;
