package io.kubermesh.examples.shaped;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.AgentChannel;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Another substrate's machines, with every cable it makes shaped at both ends ({@link LinkShape}).
 * Everything else is the other substrate's, through the SPI; where a machine lives comes from its
 * {@link Substrate#placement} ({@code netns}).
 */
final class ShapedSubstrate implements Substrate {
    private final Substrate machines;
    private final LinkShape shape;

    ShapedSubstrate(Substrate machines, LinkShape shape) {
        this.machines = machines;
        this.shape = shape;
    }

    @Override
    public void cable(PortRef a, PortRef b) {
        machines.cable(a, b);
        try {
            shape.apply(namespace(a.machine()), port(a));
            shape.apply(namespace(b.machine()), port(b));
        } catch (RuntimeException e) {
            machines.cut(a, b);
            throw e;
        }
    }

    @Override
    public void cut(PortRef a, PortRef b) {
        machines.cut(a, b);
        shape.remove(namespace(a.machine()), port(a));
        shape.remove(namespace(b.machine()), port(b));
    }

    private String namespace(String machine) {
        String ns = machines.placement(machine).get("netns");
        if (ns == null) {
            throw new SubstrateException("machine " + machine + " is in no network namespace: the shaped substrate needs"
                    + " one to shape its ports");
        }
        return ns;
    }

    private static String port(PortRef p) {
        return "cluster" + p.port();
    }

    @Override
    public void addMachine(MachineSpec machine) {
        machines.addMachine(machine);
    }

    @Override
    public void powerOn(String machine) {
        machines.powerOn(machine);
    }

    @Override
    public void powerOff(String machine) {
        machines.powerOff(machine);
    }

    @Override
    public void removeMachine(String machine) {
        machines.removeMachine(machine);
    }

    @Override
    public List<MachineStatus> machines() {
        return machines.machines();
    }

    @Override
    public Topology topology() {
        return machines.topology();
    }

    @Override
    public AutoCloseable console(String machine, Consumer<String> lines) {
        return machines.console(machine, lines);
    }

    @Override
    public void prepare(Consumer<String> progress) {
        machines.prepare(progress);
    }

    @Override
    public void deploy(String machine, Deployment deployment) {
        machines.deploy(machine, deployment);
    }

    @Override
    public void shutdown(String machine, Duration grace) {
        machines.shutdown(machine, grace);
    }

    @Override
    public List<String> consoleTail(String machine, int lines) {
        return machines.consoleTail(machine, lines);
    }

    @Override
    public AgentChannel agent(String machine) {
        return machines.agent(machine);
    }

    @Override
    public Map<String, String> placement(String machine) {
        return machines.placement(machine);
    }

    @Override
    public void close() {
        machines.close();
    }
}
