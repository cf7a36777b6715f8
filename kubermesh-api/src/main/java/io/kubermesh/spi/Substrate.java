package io.kubermesh.spi;

import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Machines and cables of one lab or site. Every method either does what it says or throws
 * {@link io.kubermesh.api.SubstrateException} saying why; {@link #close()} tears down everything
 * the substrate created and never throws.
 *
 * <p>The optional operations are {@code default} methods. One that does not apply to a substrate
 * throws {@link NotApplicableException} saying why (bare metal cannot make a cable; a person
 * plugs it). The orchestration (kubermesh-lab) uses nothing else: what it needs to know from a
 * running machine it asks the machine's agent through {@link #agent}.
 *
 * <p>The orchestration calls a substrate from several threads at once (the machines of one
 * neighbour ring power on together and their agents are asked in parallel): implementations are
 * thread-safe.
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

    /**
     * Checks, before anything starts ({@code up}, {@code plug}, {@code revive}), that this host
     * has what the substrate's machines need from it, throwing an
     * {@link io.kubermesh.api.EnvironmentException} that names every missing piece and the one
     * command that installs them. Where machines run their agents on this host (netns), that is
     * every node component the cluster file asks for; elsewhere only what the substrate itself
     * uses. Nothing by default.
     */
    default void preflight() {
    }

    /**
     * Makes what machines need before the first of them powers on (a node OS image, a class
     * archive), reporting progress; may take minutes, and is quick when all is made already.
     * Nothing by default.
     */
    default void prepare(Consumer<String> progress) {
    }

    /**
     * Gives a deployed machine ({@code netboot=false}) what it runs with from its next power on:
     * the cluster file and its role (see {@link Deployment} for how each substrate does it). A
     * netboot machine gets these from its neighbour's boot services instead.
     *
     * @throws NotApplicableException when this substrate deploys nothing itself
     */
    default void deploy(String machine, Deployment deployment) {
        throw new NotApplicableException(getClass().getSimpleName(), "deploy " + machine,
                "it installs nothing on its machines; give them their cluster file another way");
    }

    /**
     * The machines and cables a person put there, for a substrate of real machines (a site
     * inventory): {@code up} brings up exactly these instead of a topology of its own. Empty by
     * default: the substrate makes whatever machines and cables it is asked for.
     */
    default java.util.Optional<SiteLayout> site() {
        return java.util.Optional.empty();
    }

    /**
     * How long a machine may take from power-on until its agent answers: firmware, network boot,
     * install and boot of the node OS. 90 s by default (an agent started on this host).
     */
    default Duration bootTimeout() {
        return Duration.ofSeconds(90);
    }

    /**
     * An orderly shutdown: everything on the machine is asked to stop (the agent withdraws what
     * it announced), given up to {@code grace}, then the power goes as with {@link #powerOff}. By
     * default the power simply goes.
     */
    default void shutdown(String machine, Duration grace) {
        powerOff(machine);
    }

    /**
     * The last {@code lines} lines of the machine's console, oldest first, for error messages
     * (the substrate may be torn down right after).
     *
     * @throws NotApplicableException when this substrate keeps no console
     */
    default List<String> consoleTail(String machine, int lines) {
        throw new NotApplicableException(getClass().getSimpleName(), "show the console of " + machine,
                "it keeps no console log");
    }

    /**
     * Opens a connection to the control endpoint of the agent running on a powered machine; the
     * caller closes it.
     *
     * @throws io.kubermesh.api.SubstrateException when no agent answers there (yet)
     * @throws NotApplicableException when this substrate cannot reach its machines' agents
     */
    default AgentChannel agent(String machine) {
        throw new NotApplicableException(getClass().getSimpleName(), "reach the agent of " + machine,
                "it has no channel to its machines' agents");
    }

    /**
     * Where a machine lives, as an operator finds it ({@code netns} = its namespace; a VM's
     * domain; a host's BMC): shown by {@code kubermesh status}. Empty by default.
     */
    default Map<String, String> placement(String machine) {
        return Map.of();
    }

    /**
     * {@link #placement} of each of {@code machines}, for one {@code status}: by default asked one
     * machine after the other. A substrate whose placement asks its machines something (the
     * bare-metal cabling check asks every agent for its neighbours) overrides it to ask each once.
     */
    default Map<String, Map<String, String>> placements(java.util.List<String> machines) {
        Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
        for (String m : machines) {
            out.put(m, placement(m));
        }
        return out;
    }

    @Override
    void close();
}
