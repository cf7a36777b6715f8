package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.daemon.Fixtures;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FrrKeyChainTest {
    private static final RoutingKey K = Fixtures.KEY;
    private static final RoutingKey N = Fixtures.NEXT_KEY;
    private static final RoutingKey WRAP_OLD = new RoutingKey(65535, K.secret());
    private static final RoutingKey WRAP_NEW = new RoutingKey(1, N.secret());
    private static final NodeConfig NODE = Fixtures.node();
    private static final List<String> PORTS = NODE.ports();

    /**
     * ospf6d 8.4's key chains and interfaces as lib/keychain.c and ospf6d keep and consult them
     * (frr-8.4.4): a chain's keys in index order; {@code key N} creates a key that may be signed
     * with until a send-lifetime is set; {@code key_lookup_for_send} takes the first key whose
     * send-lifetime holds, {@code key_lookup_for_accept} the first whose index is at least the
     * packet's key id (no accept-lifetime is ever set here); an interface names its chain. Only
     * the lines kubermesh writes are modelled; a line it does not know fails the test.
     */
    private static final class Ospf6d {
        private record Key(int id, String secret, String algorithm, boolean retired) {
        }

        private final Map<String, TreeMap<Integer, Key>> chains = new LinkedHashMap<>();
        private final Map<String, String> interfaces = new LinkedHashMap<>();
        private String chain;
        private Integer key;
        private String iface;
        private boolean other;

        static Ospf6d reading(String file) {
            Ospf6d d = new Ospf6d();
            file.lines().forEach(d::apply);
            return d;
        }

        void apply(String line) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("!")) {
                return;
            }
            if (l.equals("exit")) {
                if (key != null) {
                    key = null;
                } else {
                    chain = null;
                    iface = null;
                    other = false;
                }
            } else if (l.startsWith("no key chain ")) {
                assertThat(chains.remove(l.substring(13))).as("the chain removed exists: %s", l).isNotNull();
                assertThat(interfaces.values()).as("no interface uses a chain removed: %s", l).doesNotContain(l.substring(13));
            } else if (l.startsWith("key chain ")) {
                chain = l.substring(10);
                assertThat(interfaces.values()).as("no interface uses a chain changed: %s", l).doesNotContain(chain);
                chains.putIfAbsent(chain, new TreeMap<>());
            } else if (l.startsWith("interface ")) {
                iface = l.substring(10);
            } else if (iface != null) {
                if (l.startsWith("ipv6 ospf6 authentication keychain ")) {
                    interfaces.put(iface, l.substring(35));
                }
            } else if (chain != null) {
                TreeMap<Integer, Key> keys = chains.get(chain);
                if (l.startsWith("key ")) {
                    key = Integer.parseInt(l.substring(4));
                    keys.putIfAbsent(key, new Key(key, null, null, false));
                } else if (l.startsWith("key-string ")) {
                    keys.computeIfPresent(key, (i, k) -> new Key(i, l.substring(11), k.algorithm(), k.retired()));
                } else if (l.equals("cryptographic-algorithm hmac-sha-256")) {
                    keys.computeIfPresent(key, (i, k) -> new Key(i, k.secret(), "hmac-sha-256", k.retired()));
                } else if (l.equals(FrrKeyChain.RETIRED_SEND_LIFETIME)) {
                    keys.computeIfPresent(key, (i, k) -> new Key(i, k.secret(), k.algorithm(), true));
                } else {
                    throw new AssertionError("not modelled in a key chain: " + line);
                }
            } else if (line.startsWith(" ") && other) {
                return;
            } else if (l.startsWith("frr ") || l.startsWith("hostname ") || l.startsWith("router ")) {
                other = !l.startsWith("frr ") && !l.startsWith("hostname ");
            } else {
                throw new AssertionError("not modelled: " + line);
            }
        }

        /** A new vtysh run: it starts in configure mode, whatever the last one was in when cut short. */
        void newSession() {
            chain = null;
            key = null;
            iface = null;
            other = false;
        }

        /** The key ospf6d signs with on {@code port}, if it signs with a complete one. */
        Optional<RoutingKey> signsWith(String port) {
            TreeMap<Integer, Key> keys = chains.get(interfaces.get(port));
            if (keys == null) {
                return Optional.empty();
            }
            return keys.values().stream().filter(x -> !x.retired()).findFirst()
                    .filter(x -> x.secret() != null && x.algorithm() != null).map(x -> new RoutingKey(x.id(), x.secret()));
        }

        /** Whether a packet signed with {@code key} passes on {@code port}. */
        boolean accepts(String port, RoutingKey key) {
            TreeMap<Integer, Key> keys = chains.get(interfaces.get(port));
            return keys != null && keys.tailMap(key.id(), true).values().stream().findFirst()
                    .map(x -> key.secret().equals(x.secret()) && x.algorithm() != null).orElse(false);
        }

        /** Whether {@code port} signs with {@code ring}'s send key and accepts every key of it. */
        boolean holds(String port, RoutingKeyring ring) {
            return signsWith(port).equals(Optional.of(ring.send())) && ring.all().stream().allMatch(k -> accepts(port, k));
        }

        /** What {@code show running-config} would show, read back. */
        FrrKeyChain.Live live() {
            Map<String, Map<Integer, FrrKeyChain.Key>> out = new LinkedHashMap<>();
            chains.forEach((name, keys) -> {
                Map<Integer, FrrKeyChain.Key> m = new TreeMap<>();
                keys.values().forEach(k -> m.put(k.id(), new FrrKeyChain.Key(k.id(), k.secret(), k.algorithm(), !k.retired())));
                out.put(name, m);
            });
            return new FrrKeyChain.Live(out, interfaces);
        }
    }

    private static RoutingKeyring ring(RoutingKey send, RoutingKey... accepted) {
        return new RoutingKeyring(send, List.of(accepted));
    }

    /** The rings of a roll from {@code k} to {@code n}: each step goes from one to the next. */
    private static List<RoutingKeyring> roll(RoutingKey k, RoutingKey n) {
        return List.of(ring(k), ring(k, n), ring(n, k), ring(n));
    }

    private static Ospf6d running(RoutingKeyring ring) {
        return Ospf6d.reading(FrrConfig.generate(NODE.withKeys(ring)).ospf6d());
    }

    @Test
    void theFileSignsWithTheSendKeyAloneAndAcceptsTheRing() {
        for (RoutingKeyring r : List.of(ring(K), ring(K, N), ring(N, K), ring(N), ring(WRAP_OLD, WRAP_NEW), ring(WRAP_NEW, WRAP_OLD))) {
            Ospf6d d = running(r);
            PORTS.forEach(p -> assertThat(d.holds(p, r)).as("%s on %s", r.ids(), p).isTrue());
        }
        assertThat(running(ring(N)).accepts("cluster0", K)).as("the old key after the roll").isFalse();
        assertThat(running(ring(WRAP_NEW)).accepts("cluster0", WRAP_OLD)).as("the old key after a roll that wrapped").isFalse();
    }

    /**
     * Every line of every step of a roll, with rising ids and with ids that wrap (the new key of
     * lower index than the old one): every port signs with a complete key and holds either the
     * ring before the step or the ring after it (each held by every node at that stage).
     */
    @Test
    void everyLineOfEveryStepLeavesEachPortWithTheOldRingOrTheNew() {
        for (List<RoutingKeyring> steps : List.of(roll(K, N), roll(WRAP_OLD, WRAP_NEW))) {
            for (int i = 1; i < steps.size(); i++) {
                RoutingKeyring from = steps.get(i - 1);
                RoutingKeyring to = steps.get(i);
                Ospf6d d = running(from);
                List<String> cmds = FrrKeyChain.rekeyCommands(d.live(), to, PORTS);
                for (int line = 0; line < cmds.size(); line++) {
                    d.apply(cmds.get(line));
                    for (String p : PORTS) {
                        assertThat(d.holds(p, from) || d.holds(p, to)).as("%s -> %s, %s after %s", from.ids(), to.ids(), p,
                                cmds.subList(0, line + 1)).isTrue();
                    }
                }
                PORTS.forEach(p -> assertThat(d.holds(p, to)).isTrue());
                assertThat(FrrKeyChain.differences(to, PORTS, d.live())).as("%s -> %s", from.ids(), to.ids()).isEmpty();
                assertThat(d.chains).containsOnlyKeys(FrrConfig.KEY_CHAIN);
                assertThat(d.chains).isEqualTo(running(to).chains);
            }
        }
    }

    /**
     * A step cut short after any line (vtysh timed out, ospf6d restarted) and then given again
     * from what ospf6d holds: no port is ever without a complete chain of either ring, and the
     * second run ends with the ring alone.
     */
    @Test
    void aStepCutShortAnywhereIsFinishedByTheNextOne() {
        RoutingKeyring from = ring(WRAP_OLD, WRAP_NEW);
        RoutingKeyring to = ring(WRAP_NEW, WRAP_OLD);
        int lines = FrrKeyChain.rekeyCommands(running(from).live(), to, PORTS).size();
        for (int cut = 0; cut < lines; cut++) {
            Ospf6d d = running(from);
            FrrKeyChain.rekeyCommands(d.live(), to, PORTS).subList(0, cut).forEach(d::apply);
            d.newSession();
            for (String line : FrrKeyChain.rekeyCommands(d.live(), to, PORTS)) {
                d.apply(line);
                for (String p : PORTS) {
                    assertThat(d.holds(p, from) || d.holds(p, to)).as("cut after %d lines, then %s on %s", cut, line, p).isTrue();
                }
            }
            assertThat(FrrKeyChain.differences(to, PORTS, d.live())).as("cut after %d lines", cut).isEmpty();
        }
    }

    @Test
    void aStepIsBuiltInATransitChainWhileTheOtherIsRebuilt() {
        Ospf6d d = running(ring(K));
        List<String> cmds = FrrKeyChain.rekeyCommands(d.live(), ring(K, N), PORTS);
        List<String> chain = new ArrayList<>(List.of(" key 7", "  key-string " + K.secret(), "  cryptographic-algorithm hmac-sha-256",
                " exit", " key 8", "  key-string " + N.secret(), "  cryptographic-algorithm hmac-sha-256",
                "  " + FrrKeyChain.RETIRED_SEND_LIFETIME, " exit", "exit"));
        List<String> want = new ArrayList<>();
        want.add("key chain kubermesh-a");
        want.addAll(chain);
        for (String c : List.of("kubermesh-a", "kubermesh")) {
            if (c.equals("kubermesh")) {
                want.add("no key chain kubermesh");
                want.add("key chain kubermesh");
                want.addAll(chain);
            }
            for (String p : PORTS) {
                want.addAll(List.of("interface " + p, " ipv6 ospf6 authentication keychain " + c, "exit"));
            }
        }
        want.add("no key chain kubermesh-a");
        assertThat(cmds).containsExactlyElementsOf(want);
    }

    @Test
    void aNodeWithoutAKeyGetsTheChainOnItsPorts() {
        Ospf6d d = Ospf6d.reading(FrrConfig.generate(NODE).ospf6d());
        assertThat(d.signsWith("cluster0")).isEmpty();
        FrrKeyChain.rekeyCommands(d.live(), ring(K), PORTS).forEach(d::apply);
        PORTS.forEach(p -> assertThat(d.holds(p, ring(K))).isTrue());
        assertThat(FrrKeyChain.differences(ring(K), PORTS, d.live())).isEmpty();
    }

    @Test
    void readsTheChainsAndPortsBackFromACapturedRunningConfig() {
        // frr 8.4.4's show running-config of an ospf6d holding {send 7, accept 8} on port kmx0.
        FrrKeyChain.Live live = FrrKeyChain.parse(Fixtures.resource("frr/show-running-config-keyring.txt"));
        assertThat(live.chains()).containsOnlyKeys("kubermesh");
        Map<Integer, FrrKeyChain.Key> keys = live.chains().get("kubermesh");
        assertThat(keys).containsOnlyKeys(7, 8);
        assertThat(keys.get(7)).isEqualTo(new FrrKeyChain.Key(7, K.secret(), "hmac-sha-256", true));
        assertThat(keys.get(8)).isEqualTo(new FrrKeyChain.Key(8, N.secret(), "hmac-sha-256", false));
        assertThat(live.interfaces()).containsExactlyEntriesOf(Map.of("kmx0", "kubermesh"));
        assertThat(live.toString()).doesNotContain(K.secret()).doesNotContain(N.secret());

        List<String> port = List.of("kmx0");
        assertThat(FrrKeyChain.differences(ring(K, N), port, live)).isEmpty();
        assertThat(FrrKeyChain.differences(ring(N, K), port, live)).get().asString()
                .contains("key 7 is signed with").contains("key 8 is not signed with");
        assertThat(FrrKeyChain.differences(ring(K), port, live)).get().asString().contains("key ids [7, 8], not [7]");
        assertThat(FrrKeyChain.differences(ring(K, new RoutingKey(8, K.secret())), port, live)).get().asString()
                .isEqualTo("key 8 has another secret");
        assertThat(FrrKeyChain.differences(ring(K, N), List.of("kmx0", "kmx1"), live)).get().asString()
                .isEqualTo("kmx1 authenticates with no key chain");
        assertThat(FrrKeyChain.parse("hostname x\n!\nrouter ospf6\nexit\n").chains()).isEmpty();
        assertThatThrownBy(() -> FrrKeyChain.parse("key chain kubermesh\n key x\n exit\nexit\n"))
                .isInstanceOf(MalformedPacketException.class);
    }
}
