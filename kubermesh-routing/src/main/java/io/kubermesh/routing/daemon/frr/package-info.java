/** The FRR provider: configuration generator, JSON read-back through vtysh, and the per-node daemon group. */
package io.kubermesh.routing.daemon.frr;
