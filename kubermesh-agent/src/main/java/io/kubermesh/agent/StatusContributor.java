package io.kubermesh.agent;

/**
 * A component that adds its part to the node's status: a {@link PortListener} that implements
 * this is asked each time the status endpoint answers. Must be quick and must not throw.
 */
public interface StatusContributor {
    NodeStatus contribute(NodeStatus status);
}
