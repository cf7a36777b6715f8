package io.kubermesh.agent.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's control protocol, transport aside: one request line in, one JSON line out.
 *
 * <pre>
 * request  = "status" | "routes" | "neighbours" | "routing-daemon" | "probe" 1*(SP ipv6-address) | "enrolment"
 *          | "approve" SP mac | "deny" SP mac | "routing-key" [SP "roll" SP step] | "echo" SP token | "help"
 *          | "relay" SP ipv6-address SP mesh-request | "port" SP index SP ("down" | "up")
 * answer   = one line of JSON, ending in LF:
 *   status      the node's {@link NodeStatus}
 *   routes      {"routes":[{"destination":"2001:db8::/128","nextHops":[{"interface":"cluster0","via":"fe80::1"}]}]}
 *   neighbours  {"ports":[{"index":0,"interface":"cluster0","linkLocal":"fe80::1","adjacencies":[{"routerId":"0.0.0.1","state":"Full/PtP","full":true}],"clients":["52:54:00:00:02:00"]}]}
 *   routing-daemon {"daemon":"frr","text":"..."}: what the routing daemon says of its interfaces,
 *               neighbours, link-state database and routes, as its own commands print it (for a person)
 *   probe A B   {"probes":[{"address":"A","reachable":true,"millis":0.21},{"address":"B","reachable":false,"millis":null}]}
 *   enrolment   {"policy":"approve","pending":[{"mac":"52:54:00:00:03:00","firstSeen":"...","node":"kubermesh1"}],"approved":[],"denied":[]}
 *   approve M   {"mac":"52:54:00:00:03:00","decision":"approved"} (deny: "denied"); only an etcd member's agent
 *               can record a decision, since only members may write it
 *   routing-key {"step":"send","ids":"2 (also accepting 1)"}: the cluster's routing keys as etcd holds them
 *               (ids, never a secret); "routing-key roll S" takes the step after S (none, accept, send,
 *               retire: the step the caller saw every machine hold) of a roll (docs/trust.md), which only
 *               an etcd member's agent can, and answers the same
 *   echo T      {"echo":"T"} (T: 1..64 of A-Z a-z 0-9 . _ -): a client on a stream that outlives its
 *               connections finds where its own answers start (UnixAgentChannel#connectSkippingStale)
 *   relay H R   what the agent at host address H answers to R, asked over the mesh ({@link MeshControl}):
 *               R is one of the requests the mesh endpoint answers ({@link #MESH_REQUESTS}, and to the
 *               operator {@link #OPERATOR_REQUESTS}); only on this node's own endpoints, never over the mesh itself
 *   port I down {"index":1,"interfaceName":"cluster1","up":false}: takes port I down administratively (a cable
 *               cut at this end: the machine at the other end loses the link as if it were pulled); "up"
 *               turns it up again. The agent leaves a port taken down so until it is turned up.
 *   help        {"requests":["status","routes","neighbours","routing-daemon","probe ADDR...","enrolment","approve MAC","deny MAC","routing-key [roll STEP]","echo TOKEN","relay HOST REQUEST","port INDEX down|up"]}
 *   otherwise   {"error":"..."}: the connection stays open for the next request
 * </pre>
 *
 * Requests are at most {@value #MAX_LINE} bytes and a probe names at most {@value #MAX_PROBES}
 * addresses. Words are separated by spaces; case matters; a trailing CR is ignored.
 *
 * <p>The same protocol over the mesh ({@link #overMesh()}) answers only the requests that read the
 * node ({@link #MESH_REQUESTS}): nothing that changes it, and no relay. To the operator's
 * certificate ({@link #overMeshToOperator()}: the first machine's agent makes one) it answers
 * {@link #OPERATOR_REQUESTS} too.
 */
public final class AgentControl {
    public static final int MAX_LINE = 8192;
    public static final int MAX_PROBES = 256;
    static final List<String> REQUESTS = List.of("status", "routes", "neighbours", "routing-daemon", "probe ADDR...", "enrolment",
            "approve MAC", "deny MAC", "routing-key [roll STEP]", "echo TOKEN", "relay HOST REQUEST", "port INDEX down|up");
    /**
     * What another machine may ask over the mesh: requests that read this node and change nothing
     * (no enrolment decision, routing key step or relay; not the routing daemon's own words either).
     */
    public static final List<String> MESH_REQUESTS = List.of("status", "routes", "neighbours", "probe", "echo", "help");
    /**
     * What the operator may ask over the mesh besides {@link #MESH_REQUESTS}: taking a port down or
     * up (the bare-metal substrate's {@code cut} and {@code cable} between netbooted machines).
     * Asked with an operator's certificate ({@code CN=operator:NAME}), which an agent makes only
     * where the CA key is a file of its state (the first machine), on a request on its own machine.
     */
    public static final List<String> OPERATOR_REQUESTS = List.of("port");
    /** What {@code echo} repeats: a token a client makes up to find its own answer in a stream. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The steps of a routing key roll, as {@code routing-key roll} names the one every machine holds. */
    private static final List<String> STEPS = List.of("none", "accept", "send", "retire");

    /** What the node answers with; each is called on the thread of the request. */
    public interface Node {
        NodeStatus status();

        ControlAnswers.Routes routes();

        ControlAnswers.Neighbours neighbours();

        /** ICMPv6 echoes to each address, every 0.1 s until answered, for up to a second. */
        ControlAnswers.Probes probe(List<Ipv6Address> addresses);

        /** What the routing daemon says of its state; throws when no daemon runs or it does not answer. */
        default ControlAnswers.RoutingDaemon routingDaemon() {
            throw new UnsupportedOperationException("this node runs no routing daemon");
        }

        /** The cluster's enrolment decisions; throws when this node cannot read them. */
        default ControlAnswers.Enrolment enrolment() {
            throw new UnsupportedOperationException("this node has no enrolment");
        }

        /** Records an operator's decision on {@code mac}; throws when this node may not. */
        default ControlAnswers.Decision decide(MacAddress mac, boolean approve) {
            throw new UnsupportedOperationException("this node has no enrolment");
        }

        /**
         * What the agent at {@code host} answers to {@code request} over the mesh: its answer line
         * as it came; throws when it cannot be asked (no route, refused, no answer in time).
         */
        default String relay(Ipv6Address host, String request) {
            throw new UnsupportedOperationException("this node relays nothing");
        }

        /** Takes port {@code index} down administratively, or up again; throws when this node has no such port. */
        default ControlAnswers.Port setPort(int index, boolean up) {
            throw new UnsupportedOperationException("this node changes no port");
        }

        /**
         * The cluster's routing keys; with {@code rollFrom}, after taking the step that follows it
         * (a retry of a step taken answers it again); throws when this node cannot.
         */
        default ControlAnswers.RoutingKeys routingKeys(java.util.Optional<String> rollFrom) {
            throw new UnsupportedOperationException("this node keeps no routing keys");
        }
    }

    private final Node node;
    /** The requests answered; null: every request (this node's own endpoints). */
    private final List<String> answered;

    public AgentControl(Node node) {
        this(node, null);
    }

    private AgentControl(Node node, List<String> answered) {
        this.node = node;
        this.answered = answered;
    }

    /** The same node's answers as another machine gets them over the mesh: {@link #MESH_REQUESTS} only. */
    public AgentControl overMesh() {
        return new AgentControl(node, MESH_REQUESTS);
    }

    /** The same node's answers to the operator over the mesh: {@link #MESH_REQUESTS} and {@link #OPERATOR_REQUESTS}. */
    public AgentControl overMeshToOperator() {
        List<String> all = new ArrayList<>(MESH_REQUESTS);
        all.addAll(OPERATOR_REQUESTS);
        return new AgentControl(node, List.copyOf(all));
    }

    /** An {@link AgentControl} whose answers come from suppliers and a probe function. */
    public static AgentControl of(Supplier<NodeStatus> status, Supplier<ControlAnswers.Routes> routes,
                                  Supplier<ControlAnswers.Neighbours> neighbours,
                                  Function<List<Ipv6Address>, ControlAnswers.Probes> probe) {
        return new AgentControl(new Node() {
            @Override
            public NodeStatus status() {
                return status.get();
            }

            @Override
            public ControlAnswers.Routes routes() {
                return routes.get();
            }

            @Override
            public ControlAnswers.Neighbours neighbours() {
                return neighbours.get();
            }

            @Override
            public ControlAnswers.Probes probe(List<Ipv6Address> addresses) {
                return probe.apply(addresses);
            }
        });
    }

    /** The answer line (without its LF) to one request line; never throws. */
    public String answer(String request) {
        try {
            Object answer = dispatch(request);
            return answer instanceof com.fasterxml.jackson.databind.JsonNode relayed ? relayed.toString() : JSON.writeValueAsString(answer);
        } catch (JsonProcessingException | RuntimeException e) {
            return error(request, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Object dispatch(String line) {
        String request = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (request.length() > MAX_LINE) {
            return new ControlAnswers.Error("a request is at most " + MAX_LINE + " bytes");
        }
        String[] words = request.trim().isEmpty() ? new String[0] : request.trim().split(" +");
        if (words.length == 0) {
            return unknown(request);
        }
        if (answered != null && !answered.contains(words[0])) {
            return new ControlAnswers.Error("'" + shorten(words[0]) + "' is not answered over the mesh"
                    + (OPERATOR_REQUESTS.contains(words[0]) ? " to a node's certificate (only the operator's, which the first"
                    + " machine's agent uses, may ask it: relay it from there)" : "") + " (it answers "
                    + String.join(", ", answered) + "); ask the agent on its own machine");
        }
        switch (words[0]) {
            case "status":
            case "routes":
            case "neighbours":
            case "routing-daemon":
            case "help":
                if (words.length != 1) {
                    return new ControlAnswers.Error("'" + words[0] + "' takes no arguments, got '" + request + "'");
                }
                return switch (words[0]) {
                    case "status" -> node.status();
                    case "routes" -> node.routes();
                    case "neighbours" -> node.neighbours();
                    case "routing-daemon" -> node.routingDaemon();
                    default -> java.util.Map.of("requests", answered != null ? REQUESTS.stream()
                            .filter(r -> answered.contains(r.split(" ")[0])).toList() : REQUESTS);
                };
            case "probe":
                return probe(words);
            case "relay":
                return relay(request.trim(), words);
            case "port":
                return port(request, words);
            case "echo":
                if (words.length != 2 || !TOKEN.matcher(words[1]).matches()) {
                    return new ControlAnswers.Error("echo takes one token of 1..64 letters, digits, '.', '_' or '-', got '"
                            + request + "'");
                }
                return new ControlAnswers.Echo(words[1]);
            case "enrolment":
                if (words.length != 1) {
                    return new ControlAnswers.Error("'enrolment' takes no arguments, got '" + request + "'");
                }
                return node.enrolment();
            case "routing-key":
                if (words.length == 1) {
                    return node.routingKeys(java.util.Optional.empty());
                }
                if (words.length != 3 || !words[1].equals("roll") || !STEPS.contains(words[2])) {
                    return new ControlAnswers.Error("'routing-key' takes nothing, or 'roll' and the step every machine holds"
                            + " (" + String.join(", ", STEPS) + "), got '" + shorten(request) + "'");
                }
                return node.routingKeys(java.util.Optional.of(words[2]));
            case "approve":
            case "deny":
                if (words.length != 2) {
                    return new ControlAnswers.Error(words[0] + " takes one MAC address, got " + (words.length - 1) + " arguments");
                }
                MacAddress mac;
                try {
                    mac = MacAddress.parse(words[1]);
                } catch (RuntimeException e) {
                    return new ControlAnswers.Error(words[0] + ": '" + shorten(words[1]) + "' is not a MAC address (like 52:54:00:12:34:56)");
                }
                return node.decide(mac, words[0].equals("approve"));
            default:
                return unknown(request);
        }
    }

    private Object probe(String[] words) {
        if (words.length < 2 || words.length - 1 > MAX_PROBES) {
            return new ControlAnswers.Error("probe takes 1.." + MAX_PROBES + " IPv6 addresses, got " + (words.length - 1));
        }
        List<Ipv6Address> addresses = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            try {
                addresses.add(Ipv6Address.parse(words[i]));
            } catch (RuntimeException e) {
                return new ControlAnswers.Error("probe: '" + words[i] + "' is not an IPv6 address");
            }
        }
        return node.probe(addresses);
    }

    /** {@code port INDEX down|up}. */
    private Object port(String request, String[] words) {
        if (words.length != 3 || !words[1].matches("\\d{1,2}") || !(words[2].equals("down") || words[2].equals("up"))) {
            return new ControlAnswers.Error("'port' takes a port index (0..99) and 'down' or 'up', got '" + shorten(request.trim()) + "'");
        }
        return node.setPort(Integer.parseInt(words[1]), words[2].equals("up"));
    }

    /** {@code relay HOST REQUEST...}: the request as written after the host, checked before it leaves this node. */
    private Object relay(String request, String[] words) {
        if (words.length < 3) {
            return new ControlAnswers.Error("relay takes a host address and a request (" + String.join(", ", MESH_REQUESTS)
                    + ", " + String.join(", ", OPERATOR_REQUESTS) + "), got '" + shorten(request) + "'");
        }
        Ipv6Address host;
        try {
            host = Ipv6Address.parse(words[1]);
        } catch (RuntimeException e) {
            return new ControlAnswers.Error("relay: '" + shorten(words[1]) + "' is not an IPv6 address");
        }
        if (!MESH_REQUESTS.contains(words[2]) && !OPERATOR_REQUESTS.contains(words[2])) {
            return new ControlAnswers.Error("relay: '" + shorten(words[2]) + "' is not answered over the mesh (it answers "
                    + String.join(", ", MESH_REQUESTS) + "; to the operator " + String.join(", ", OPERATOR_REQUESTS) + ")");
        }
        String inner = request.split(" +", 3)[2];
        String line = node.relay(host, inner);
        com.fasterxml.jackson.databind.JsonNode answer;
        try {
            answer = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject()) {
            return new ControlAnswers.Error("relay: " + host + " answered '" + shorten(line) + "', which is not a JSON object");
        }
        return answer;
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    private static ControlAnswers.Error unknown(String request) {
        String shown = shorten(request);
        return new ControlAnswers.Error("unknown request '" + shown + "'; known: " + String.join(", ", REQUESTS));
    }

    private static String error(String request, String why) {
        try {
            return JSON.writeValueAsString(new ControlAnswers.Error("cannot answer '" + request.trim() + "': " + why));
        } catch (JsonProcessingException e) {
            return "{\"error\":\"cannot answer\"}";
        }
    }
}
