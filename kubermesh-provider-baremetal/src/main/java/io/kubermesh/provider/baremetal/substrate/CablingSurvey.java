package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.AgentChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the cabling check ({@link CablingCheck}): what each asked machine's agent hears on
 * its ports (DHCPv6 leases and full routing adjacencies), each agent asked once, so that a status
 * of every machine costs one request per agent, not one per machine whose cables end there.
 */
final class CablingSurvey {
    private static final Logger LOG = LoggerFactory.getLogger(CablingSurvey.class);

    private final SiteInventory site;
    private final String gateway;
    private final Set<PortRef> cut;
    private final Map<String, Map<Integer, CablingCheck.Heard>> heard = new LinkedHashMap<>();
    private final Map<String, String> unanswered = new LinkedHashMap<>();
    /** Why the gateway's agent did not answer; then every report is that one line. */
    private String gatewaySilent;

    private CablingSurvey(SiteInventory site, String gateway, Set<PortRef> cut) {
        this.site = site;
        this.gateway = gateway;
        this.cut = cut;
    }

    /** No survey: the gateway's agent does not run, so nothing can be asked and nothing is reported. */
    static CablingSurvey none() {
        return new CablingSurvey(null, null, Set.of());
    }

    /**
     * Asks the agents of {@code machines} (the gateway first: when it does not answer, no one
     * else can be asked, since every other agent is reached through it) for their neighbours.
     *
     * @param cut the ends taken down by a cut
     * @param agent opens a channel to a machine's agent
     */
    static CablingSurvey ask(SiteInventory site, String gateway, Set<PortRef> cut, List<String> machines,
                             Function<String, AgentChannel> agent) {
        CablingSurvey s = new CablingSurvey(site, gateway, cut);
        for (String m : machines) {
            try (AgentClient client = new AgentClient(agent.apply(m))) {
                Map<Integer, CablingCheck.Heard> ports = new TreeMap<>();
                for (var p : client.neighbours().ports()) {
                    ports.put(p.index(), new CablingCheck.Heard(p.clients().stream().map(MacAddress::parse).toList(),
                            p.adjacencies().stream().filter(ControlAnswers.Adjacency::full).map(ControlAnswers.Adjacency::routerId).toList()));
                }
                s.heard.put(m, ports);
            } catch (RuntimeException e) {
                if (m.equals(gateway)) {
                    s.gatewaySilent = e.getMessage();
                    return s;
                }
                // a machine whose agent does not answer (yet): its ends are judged from the other side
                s.unanswered.put(m, e.getMessage());
                LOG.debug("cabling check: {}'s agent did not answer: {}", m, e.getMessage());
            }
        }
        return s;
    }

    /** The cabling check's lines about {@code machine} ({@link CablingCheck#report}); none without a survey. */
    Map<String, String> report(String machine) {
        if (gateway == null) {
            return Map.of();
        }
        if (gatewaySilent != null) {
            return Map.of("cabling", "not known: the gateway's agent did not answer (" + gatewaySilent + ")");
        }
        return CablingCheck.report(site, heard, unanswered, gateway, cut, machine);
    }
}
