package io.kubermesh.spi;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A byte stream to the control endpoint of the agent running on a machine, however the substrate
 * reaches it: a Unix socket in the machine's state directory (netns), the host end of a VM's
 * virtio-serial port {@code io.kubermesh.agent.0} (libvirt), a TCP connection to the node's host
 * address (bare metal). What flows over it is the agent's line protocol (one request line, one
 * JSON answer line, several per connection; kubermesh-agent's {@code AgentClient} speaks it), so
 * the orchestration learns a machine's status, routes, neighbours and reachability from the agent
 * itself, never by entering the machine.
 */
public interface AgentChannel extends AutoCloseable {
    /** What the agent writes. */
    InputStream input();

    /** What the agent reads. */
    OutputStream output();

    /** Closes the stream; never throws. */
    @Override
    void close();
}
