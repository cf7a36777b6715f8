package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.dhcp6.Dhcp6Server;
import io.kubermesh.boot.ra.RouterAdvertiser;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves network boot on every mesh port (ARCHITECTURE.md, "Network boot"): router
 * advertisements and DHCPv6 from the port's pool, so whatever is plugged into a port boots from
 * this node. One server pair per port, started when the port comes up and closed when it goes;
 * leases are kept per port under {@code STATE/boot/dhcp6/portI} and survive restarts.
 */
public final class BootPorts implements PortListener {
    private static final Logger LOG = LoggerFactory.getLogger(BootPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final Map<Integer, Dhcp6Server> dhcp = new TreeMap<>();
    private final Map<Integer, RouterAdvertiser> ra = new TreeMap<>();
    private NodeBlock node;

    public BootPorts(ClusterSpec spec, AgentSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public synchronized void started(NodeBlock n) {
        this.node = n;
    }

    @Override
    public synchronized void portUp(PortPrefix port) {
        if (node == null || dhcp.containsKey(port.index())) {
            return;
        }
        Map<Integer, String> one = Map.of(port.index(), port.interfaceName());
        Path leases = settings.stateDirectory().resolve("boot").resolve("dhcp6").resolve("port" + port.index());
        try {
            dhcp.put(port.index(), Dhcp6Server.start(spec, node.mac(), one, leases));
            ra.put(port.index(), RouterAdvertiser.start(spec, node.mac(), one));
            LOG.info("boot services on port {} ({}): DHCPv6 pool {} .. {}", port.index(), port.interfaceName(),
                    port.pool().get(0), port.pool().get(port.pool().size() - 1));
        } catch (RuntimeException e) {
            LOG.error("boot services on port {} did not start: {}", port.index(), e.getMessage());
            close(port.index());
        }
    }

    @Override
    public synchronized void portDown(PortPrefix port) {
        close(port.index());
    }

    private void close(int index) {
        RouterAdvertiser r = ra.remove(index);
        if (r != null) {
            r.close();
        }
        Dhcp6Server d = dhcp.remove(index);
        if (d != null) {
            d.close();
        }
    }

    @Override
    public synchronized void stopped() {
        for (int i : new java.util.ArrayList<>(dhcp.keySet())) {
            close(i);
        }
    }

    /** Ports now served. */
    public synchronized java.util.Set<Integer> served() {
        return java.util.Set.copyOf(dhcp.keySet());
    }
}
