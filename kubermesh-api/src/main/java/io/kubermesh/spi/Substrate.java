package io.kubermesh.spi;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import java.util.List;
import java.util.function.Consumer;

/**
 * Machines and cables of one lab or site. Every method either does what it says or throws
 * {@link io.kubermesh.api.SubstrateException} saying why; {@link #close()} tears down everything
 * the substrate created and never throws.
 */
public interface Substrate extends AutoCloseable {
    /** Adds a machine, powered off, with its NICs and no cables. */
    void addMachine(MachineSpec machine);

    /** Cables port {@code a} to port {@code b}; both ports must be free. */
    void cable(PortRef a, PortRef b);

    /** Removes the cable between {@code a} and {@code b}, as if it were pulled out. */
    void cut(PortRef a, PortRef b);

    void powerOn(String machine);

    /** Powers the machine off: everything running on it stops; its cables stay. */
    void powerOff(String machine);

    /** Removes a powered-off machine and its cables. */
    void removeMachine(String machine);

    List<MachineStatus> machines();

    /** The machines (port i is NIC i) and the cables as they are now. */
    Topology topology();

    /**
     * Streams the machine's console, line by line, to {@code lines} until the returned handle is
     * closed or the machine is removed.
     */
    AutoCloseable console(String machine, Consumer<String> lines);

    @Override
    void close();
}
