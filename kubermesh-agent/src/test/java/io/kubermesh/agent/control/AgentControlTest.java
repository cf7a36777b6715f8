package io.kubermesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.spi.AgentChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control protocol's exact lines, and the client against the server over piped streams. */
class AgentControlTest {
    private final List<List<Ipv6Address>> probed = new ArrayList<>();
    private final AgentControl control = AgentControl.of(
            () -> new NodeStatus("m", "running", "52:54:00:00:01:00", "2001:db8::1", "2001:db8::/119", "2001:db8::100/120",
                    "kmstub0", List.of(), List.of("etcd"), "t0", "t1", null, null),
            () -> new ControlAnswers.Routes(List.of(new ControlAnswers.InstalledRoute("2001:db8::2/128",
                    List.of(new ControlAnswers.Hop("cluster0", "fe80::1"))))),
            () -> new ControlAnswers.Neighbours(List.of(new ControlAnswers.PortNeighbours(0, "cluster0", "fe80::2",
                    List.of(new ControlAnswers.Adjacency("0.0.0.1", "Full/PtP", true)), List.of("52:54:00:00:02:00")))),
            a -> {
                probed.add(a);
                return new ControlAnswers.Probes(a.stream().map(x -> new ControlAnswers.Probe(x.toString(),
                        !x.equals(Ipv6Address.parse("2001:db8::9")), x.equals(Ipv6Address.parse("2001:db8::9")) ? null : 0.5))
                        .toList());
            });

    @Test
    void eachRequestHasOneJsonLine() {
        assertThat(control.answer("routes")).isEqualTo(
                "{\"routes\":[{\"destination\":\"2001:db8::2/128\",\"nextHops\":[{\"interface\":\"cluster0\",\"via\":\"fe80::1\"}]}]}");
        assertThat(control.answer("neighbours")).isEqualTo("{\"ports\":[{\"index\":0,\"interface\":\"cluster0\","
                + "\"linkLocal\":\"fe80::2\",\"adjacencies\":[{\"routerId\":\"0.0.0.1\",\"state\":\"Full/PtP\",\"full\":true}],"
                + "\"clients\":[\"52:54:00:00:02:00\"]}]}");
        assertThat(control.answer("probe 2001:db8::1  2001:db8::9\r")).isEqualTo("{\"probes\":[{\"address\":\"2001:db8::1\","
                + "\"reachable\":true,\"millis\":0.5},{\"address\":\"2001:db8::9\",\"reachable\":false,\"millis\":null}]}");
        assertThat(control.answer("status")).startsWith("{\"name\":\"m\",\"state\":\"running\"").contains("\"anycast\":[\"etcd\"]");
        assertThat(control.answer("help")).isEqualTo("{\"requests\":[\"status\",\"routes\",\"neighbours\",\"routing-daemon\",\"probe ADDR...\","
                + "\"enrolment\",\"approve MAC\",\"deny MAC\",\"routing-key [roll STEP]\",\"echo TOKEN\",\"relay HOST REQUEST\","
                + "\"port INDEX down|up\"]}");
        assertThat(control.answer("echo km-0123abcdef")).isEqualTo("{\"echo\":\"km-0123abcdef\"}");
    }

    @Test
    void routingDaemonAnswersWithTheDaemonsOwnTextOrSaysWhyNot() {
        assertThat(control.answer("routing-daemon")).isEqualTo(
                "{\"error\":\"cannot answer 'routing-daemon': UnsupportedOperationException: this node runs no routing daemon\"}");
        AgentControl withDaemon = new AgentControl(new ReadsNothing() {
            @Override
            public ControlAnswers.RoutingDaemon routingDaemon() {
                return new ControlAnswers.RoutingDaemon("frr", "Interface cluster0\n  Neighbor 0.0.0.1 \"Full\"\n");
            }
        });
        assertThat(withDaemon.answer("routing-daemon")).isEqualTo(
                "{\"daemon\":\"frr\",\"text\":\"Interface cluster0\\n  Neighbor 0.0.0.1 \\\"Full\\\"\\n\"}");
        assertThat(withDaemon.answer("routing-daemon now")).contains("'routing-daemon' takes no arguments");
    }

    @Test
    void echoTakesOneShortPlainToken() {
        assertThat(control.answer("echo")).contains("echo takes one token");
        assertThat(control.answer("echo a b")).contains("echo takes one token");
        assertThat(control.answer("echo " + "x".repeat(65))).contains("echo takes one token");
        assertThat(control.answer("echo \"x\"")).contains("echo takes one token");
        assertThat(control.answer("echo " + "x".repeat(64))).isEqualTo("{\"echo\":\"" + "x".repeat(64) + "\"}");
    }

    @Test
    void badRequestsAreAnsweredWithAnErrorThatSaysWhatIsKnown() {
        assertThat(control.answer("")).startsWith("{\"error\":\"unknown request ''; known: status, routes, neighbours, routing-daemon, probe ADDR...");
        assertThat(control.answer("STATUS")).contains("\"error\":\"unknown request 'STATUS'");
        assertThat(control.answer("status now")).contains("'status' takes no arguments");
        assertThat(control.answer("probe")).contains("probe takes 1..256 IPv6 addresses, got 0");
        assertThat(control.answer("probe 10.0.0.1")).contains("'10.0.0.1' is not an IPv6 address");
        assertThat(control.answer("probe" + " 2001:db8::1".repeat(257))).contains("got 257");
        assertThat(probed).isEmpty();
    }

    @Test
    void enrolmentRequestsNeedANodeWithEnrolmentAndAMac() {
        assertThat(control.answer("approve")).contains("approve takes one MAC address, got 0 arguments");
        assertThat(control.answer("deny 52:54:00:00:01:00 52:54:00:00:02:00")).contains("deny takes one MAC address, got 2");
        assertThat(control.answer("approve 2001:db8::1")).contains("'2001:db8::1' is not a MAC address");
        assertThat(control.answer("enrolment x")).contains("'enrolment' takes no arguments");
        // A node without a control plane says so rather than pretending to decide.
        assertThat(control.answer("approve 52:54:00:00:01:00")).startsWith("{\"error\":").contains("this node has no enrolment");
        assertThat(control.answer("enrolment")).startsWith("{\"error\":").contains("this node has no enrolment");
        List<String> decided = new ArrayList<>();
        AgentControl deciding = new AgentControl(new ReadsNothing() {
            @Override
            public ControlAnswers.Enrolment enrolment() {
                return new ControlAnswers.Enrolment("approve", List.of(new ControlAnswers.Waiting("52:54:00:00:03:00", "t", "gw")),
                        List.of(), List.of("52:54:00:00:09:00"));
            }

            @Override
            public ControlAnswers.RoutingKeys routingKeys(java.util.Optional<String> rollFrom) {
                decided.add(rollFrom.map(f -> "rolled from " + f).orElse("read keys"));
                return new ControlAnswers.RoutingKeys(rollFrom.isPresent() ? "accept" : "none",
                        rollFrom.isPresent() ? "1 (also accepting 2)" : "1");
            }

            @Override
            public ControlAnswers.Decision decide(io.kubermesh.api.MacAddress mac, boolean approve) {
                decided.add(mac + (approve ? " approved" : " denied"));
                return new ControlAnswers.Decision(mac.toString(), approve ? "approved" : "denied");
            }
        });
        assertThat(deciding.answer("enrolment")).isEqualTo("{\"policy\":\"approve\",\"pending\":[{\"mac\":\"52:54:00:00:03:00\","
                + "\"firstSeen\":\"t\",\"node\":\"gw\"}],\"approved\":[],\"denied\":[\"52:54:00:00:09:00\"]}");
        assertThat(deciding.answer("approve 52-54-00-00-03-00")).isEqualTo("{\"mac\":\"52:54:00:00:03:00\",\"decision\":\"approved\"}");
        assertThat(deciding.answer("deny 52:54:00:00:04:00")).isEqualTo("{\"mac\":\"52:54:00:00:04:00\",\"decision\":\"denied\"}");
        assertThat(decided).containsExactly("52:54:00:00:03:00 approved", "52:54:00:00:04:00 denied");
        assertThat(deciding.answer("routing-key")).isEqualTo("{\"step\":\"none\",\"ids\":\"1\"}");
        assertThat(deciding.answer("routing-key roll none")).isEqualTo("{\"step\":\"accept\",\"ids\":\"1 (also accepting 2)\"}");
        assertThat(deciding.answer("routing-key now")).contains("'routing-key' takes nothing, or 'roll' and the step");
        assertThat(deciding.answer("routing-key roll")).contains("'routing-key' takes nothing, or 'roll' and the step");
        assertThat(deciding.answer("routing-key roll later")).contains("(none, accept, send, retire)");
        assertThat(decided).endsWith("read keys", "rolled from none");
        // A node without routing keys says so.
        assertThat(control.answer("routing-key")).startsWith("{\"error\":").contains("this node keeps no routing keys");
    }

    @Test
    void aFailingNodeIsAnErrorNotADeadConnection() {
        AgentControl broken = AgentControl.of(() -> {
            throw new IllegalStateException("no network yet");
        }, () -> null, () -> null, a -> null);
        assertThat(broken.answer("status")).isEqualTo("{\"error\":\"cannot answer 'status': IllegalStateException: no network yet\"}");
    }

    @Test
    void aSessionAnswersEveryLineAndSkipsAnOverlongOne() throws IOException {
        String input = "status\n" + "x".repeat(AgentControl.MAX_LINE + 10) + "\nroutes\nhelp";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ControlSession.serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, control);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("{\"name\":\"m\"");
        assertThat(lines.get(1)).isEqualTo("{\"error\":\"a request is at most 8192 bytes\"}");
        assertThat(lines.get(2)).startsWith("{\"routes\":");
        assertThat(lines.get(3)).startsWith("{\"requests\":");
    }

    @Test
    void theClientAsksSeveralThingsOverOneConnection() throws Exception {
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 65536);
        PipedOutputStream toClient = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(toClient, 65536);
        Thread server = new Thread(() -> {
            try (toClient) {
                ControlSession.serve(serverIn, toClient, control);
            } catch (IOException e) {
                // the client went away
            }
        });
        server.start();
        AgentChannel channel = new AgentChannel() {
            @Override
            public InputStream input() {
                return clientIn;
            }

            @Override
            public OutputStream output() {
                return toServer;
            }

            @Override
            public void close() {
                try {
                    toServer.close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        try (AgentClient client = new AgentClient(channel)) {
            assertThat(client.status().anycast()).containsExactly("etcd");
            assertThat(client.routes().routes()).extracting(ControlAnswers.InstalledRoute::destination)
                    .containsExactly("2001:db8::2/128");
            assertThat(client.neighbours().ports().get(0).linkLocal()).isEqualTo("fe80::2");
            assertThat(client.probe(List.of("2001:db8::1", "2001:db8::9")).probes())
                    .extracting(ControlAnswers.Probe::reachable).containsExactly(true, false);
            assertThatThrownBy(() -> client.request("reboot")).isInstanceOf(KubermeshException.class)
                    .hasMessageContaining("unknown request 'reboot'");
        }
        server.join(5000);
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void overTheMeshOnlyWhatReadsTheNodeIsAnswered() {
        AgentControl mesh = control.overMesh();
        assertThat(mesh.answer("status")).isEqualTo(control.answer("status"));
        assertThat(mesh.answer("routes")).isEqualTo(control.answer("routes"));
        assertThat(mesh.answer("echo t1")).isEqualTo("{\"echo\":\"t1\"}");
        assertThat(mesh.answer("help")).isEqualTo("{\"requests\":[\"status\",\"routes\",\"neighbours\",\"probe ADDR...\",\"echo TOKEN\"]}");
        for (String refused : List.of("approve 52:54:00:00:03:00", "deny 52:54:00:00:03:00", "routing-key roll none", "routing-key",
                "enrolment", "routing-daemon", "relay 2001:db8::5 status", "port 1 down")) {
            String word = refused.split(" ")[0];
            String operatorOnly = word.equals("port") ? " to a node's certificate (only the operator's, which the first machine's"
                    + " agent uses, may ask it: relay it from there)" : "";
            assertThat(mesh.answer(refused)).as(refused).isEqualTo("{\"error\":\"'" + word + "' is not answered over the mesh"
                    + operatorOnly + " (it answers status, routes, neighbours, probe, echo, help); ask the agent on its own machine\"}");
        }
        // the local endpoint still answers them (here: the node has no enrolment, which is a different error)
        assertThat(control.answer("enrolment")).contains("this node has no enrolment");
    }

    @Test
    void aPortIsTakenDownOrUpLocallyOrByTheOperatorOverTheMeshAndBadRequestsNeverReachTheNode() {
        List<String> changed = new ArrayList<>();
        AgentControl ports = new AgentControl(new ReadsNothing() {
            @Override
            public ControlAnswers.Port setPort(int index, boolean up) {
                if (index > 3) {
                    throw new KubermeshException("there is no port " + index + ": the plan gives a node ports 0..3");
                }
                changed.add(index + (up ? " up" : " down"));
                return new ControlAnswers.Port(index, "cluster" + index, up);
            }
        });
        assertThat(ports.answer("port 1 down")).isEqualTo("{\"index\":1,\"interfaceName\":\"cluster1\",\"up\":false}");
        assertThat(ports.overMeshToOperator().answer("port 1 up")).isEqualTo("{\"index\":1,\"interfaceName\":\"cluster1\",\"up\":true}");
        assertThat(ports.overMesh().answer("port 1 down")).contains("'port' is not answered over the mesh to a node's certificate");
        assertThat(ports.answer("port 9 down")).isEqualTo("{\"error\":\"cannot answer 'port 9 down': KubermeshException: there is"
                + " no port 9: the plan gives a node ports 0..3\"}");
        for (String bad : List.of("port", "port 1", "port 1 sideways", "port one down", "port -1 down", "port 100 down",
                "port 1 down now", "port 1 DOWN")) {
            assertThat(ports.answer(bad)).as(bad).startsWith("{\"error\":\"'port' takes a port index (0..99) and 'down' or 'up', got");
        }
        // the operator over the mesh may read and change ports, and nothing else that changes the node
        assertThat(ports.overMeshToOperator().answer("approve 52:54:00:00:03:00")).contains("'approve' is not answered over the mesh");
        assertThat(ports.overMeshToOperator().answer("relay 2001:db8::5 status")).contains("'relay' is not answered over the mesh");
        assertThat(ports.overMeshToOperator().answer("help")).isEqualTo("{\"requests\":[\"status\",\"routes\",\"neighbours\","
                + "\"probe ADDR...\",\"echo TOKEN\",\"port INDEX down|up\"]}");
        assertThat(changed).containsExactly("1 down", "1 up");
        // a node that changes no port says so
        assertThat(control.answer("port 0 down")).contains("this node changes no port");
    }

    @Test
    void relayChecksTheRequestBeforeItLeavesAndPassesTheAnswerThrough() {
        List<String> asked = new ArrayList<>();
        AgentControl relaying = new AgentControl(new ReadsNothing() {
            @Override
            public String relay(Ipv6Address host, String request) {
                asked.add(host + " " + request);
                return switch (host.toString()) {
                    case "2001:db8::5" -> "{\"name\":\"far\",\"ports\":[]}";
                    case "2001:db8::6" -> "not json";
                    case "2001:db8::7" -> "[1,2]";
                    default -> throw new KubermeshException("cannot reach the agent control at [" + host + "]:7441: no route");
                };
            }
        });
        assertThat(relaying.answer("relay 2001:db8:0::5  probe 2001:db8::1  2001:db8::2")).isEqualTo("{\"name\":\"far\",\"ports\":[]}");
        assertThat(relaying.answer("relay 2001:db8::5 status")).isEqualTo("{\"name\":\"far\",\"ports\":[]}");
        // a port request goes out too: the far end judges who asks (MeshEndpoint asks it with the operator's certificate)
        assertThat(relaying.answer("relay 2001:db8::5 port 1 down")).isEqualTo("{\"name\":\"far\",\"ports\":[]}");
        assertThat(asked).containsExactly("2001:db8::5 probe 2001:db8::1  2001:db8::2", "2001:db8::5 status", "2001:db8::5 port 1 down");
        // refused before anything leaves the node
        assertThat(relaying.answer("relay 2001:db8::5 approve 52:54:00:00:03:00")).isEqualTo("{\"error\":\"relay: 'approve' is not"
                + " answered over the mesh (it answers status, routes, neighbours, probe, echo, help; to the operator port)\"}");
        assertThat(relaying.answer("relay 2001:db8::5 relay 2001:db8::6 status")).contains("relay: 'relay' is not answered over the mesh");
        assertThat(relaying.answer("relay kubermesh1 status")).isEqualTo("{\"error\":\"relay: 'kubermesh1' is not an IPv6 address\"}");
        assertThat(relaying.answer("relay 2001:db8::5")).startsWith("{\"error\":\"relay takes a host address and a request");
        assertThat(asked).hasSize(3);
        // what comes back must be one JSON object; a failure to ask is an error naming the host
        assertThat(relaying.answer("relay 2001:db8::6 status")).isEqualTo("{\"error\":\"relay: 2001:db8::6 answered 'not json', which is"
                + " not a JSON object\"}");
        assertThat(relaying.answer("relay 2001:db8::7 status")).contains("which is not a JSON object");
        assertThat(relaying.answer("relay 2001:db8::8 status")).isEqualTo("{\"error\":\"cannot answer 'relay 2001:db8::8 status':"
                + " KubermeshException: cannot reach the agent control at [2001:db8::8]:7441: no route\"}");
        // a node that relays nothing says so
        assertThat(control.answer("relay 2001:db8::5 status")).contains("this node relays nothing");
    }

    @Test
    void aRelayedChannelPrefixesEveryRequestLineAndLeavesAnswersAlone() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayInputStream answers = new ByteArrayInputStream("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
        AgentChannel via = new AgentChannel() {
            @Override
            public InputStream input() {
                return answers;
            }

            @Override
            public OutputStream output() {
                return sent;
            }

            @Override
            public void close() {
            }
        };
        RelayedAgentChannel relayed = new RelayedAgentChannel(via, Ipv6Address.parse("2001:db8:0:0::a"));
        relayed.output().write("status\nprobe 2001:db8::1\n".getBytes(StandardCharsets.UTF_8));
        relayed.output().write('r');
        relayed.output().flush();
        assertThat(sent.toString(StandardCharsets.UTF_8)).isEqualTo("relay 2001:db8::a status\nrelay 2001:db8::a probe 2001:db8::1\n");
        relayed.output().write("outes\n".getBytes(StandardCharsets.UTF_8));
        assertThat(sent.toString(StandardCharsets.UTF_8)).endsWith("relay 2001:db8::a routes\n");
        assertThat(relayed.input().readAllBytes()).isEqualTo("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
        // a request the relay prefix would make too long fails, is dropped to its LF, and the next goes out whole
        sent.reset();
        assertThatThrownBy(() -> relayed.output().write(("probe " + "2001:db8::1 ".repeat(700)).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("a relayed request is at most 8174 bytes");
        relayed.output().write("2001:db8::2\nstatus\n".getBytes(StandardCharsets.UTF_8));
        assertThat(sent.toString(StandardCharsets.UTF_8)).isEqualTo("relay 2001:db8::a status\n");
    }

    /** A node whose reads are not under test: each throws, so a test sees any request that reached one. */
    private abstract static class ReadsNothing implements AgentControl.Node {
        @Override
        public NodeStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ControlAnswers.Routes routes() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ControlAnswers.Neighbours neighbours() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ControlAnswers.Probes probe(List<Ipv6Address> addresses) {
            throw new UnsupportedOperationException();
        }
    }
}
