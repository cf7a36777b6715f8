package io.kubermesh.routing.daemon.frr;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ospf6d's key chain {@value FrrConfig#KEY_CHAIN} for a {@link RoutingKeyring}: its text in
 * ospf6d's file, the commands that give a running ospf6d another ring, and their read-back.
 *
 * <p>How FRR 8.4 picks a key (lib/keychain.c of frr-8.4.4): for sending, the key of lowest index
 * whose send-lifetime holds now, a key without a send-lifetime always holding
 * ({@code key_lookup_for_send}); for a received packet, the first key in index order whose index
 * is at least the packet's key id and whose accept-lifetime holds ({@code key_lookup_for_accept},
 * called by ospf6d's {@code ospf6_auth_check_digest} with the trailer's SA id). With every key of
 * the ring in the chain and no accept-lifetime, that is the key of that id, and a packet signed
 * with any other key fails its digest. So the key signed with has no send-lifetime and every key
 * only accepted has {@value #RETIRED_SEND_LIFETIME} (a second in 1993, long over): ospf6d signs
 * with the ring's send key alone whatever the ids, also after they wrap, and accepts every key of
 * the ring. ospf6d looks the chain up by name for every packet it sends or checks.
 *
 * <p>A chain is never changed while a port uses it: {@code key N} creates a key that may be signed
 * with at once, before its key-string and send-lifetime lines follow (a new key of lower index
 * than the send key, as after the ids wrap, would sign packets without a digest for that moment).
 * Instead the new ring is built complete in a transit chain, every port is pointed at it
 * ({@code ipv6 ospf6 authentication keychain}, which only replaces the interface's chain name),
 * {@value FrrConfig#KEY_CHAIN} is rebuilt and the ports pointed back. A port always uses a
 * complete chain holding either the old ring or the new one, also when an earlier change was cut
 * short, and no adjacency is reset.
 */
final class FrrKeyChain {
    /** The send-lifetime of a key that is accepted but never signed with. */
    static final String RETIRED_SEND_LIFETIME = "send-lifetime 00:00:00 Jan 1 1993 00:00:01 Jan 1 1993";
    /** The algorithm of every key: RFC 7166 with HMAC-SHA-256. */
    static final String ALGORITHM = "hmac-sha-256";
    /** The chains the ports use while {@value FrrConfig#KEY_CHAIN} is rebuilt: one not in use is taken. */
    static final List<String> TRANSIT = List.of(FrrConfig.KEY_CHAIN + "-a", FrrConfig.KEY_CHAIN + "-b");

    private FrrKeyChain() {
    }

    /** The chain {@value FrrConfig#KEY_CHAIN} as ospf6d's file holds it, the key signed with first. */
    static String config(RoutingKeyring ring) {
        return String.join("\n", chain(FrrConfig.KEY_CHAIN, ring)) + "\n";
    }

    private static List<String> chain(String name, RoutingKeyring ring) {
        List<String> lines = new ArrayList<>();
        lines.add("key chain " + name);
        for (RoutingKey k : ring.all()) {
            lines.add(" key " + k.id());
            lines.add("  key-string " + k.ospfKey());
            lines.add("  cryptographic-algorithm " + ALGORITHM);
            if (k.id() != ring.send().id()) {
                lines.add("  " + RETIRED_SEND_LIFETIME);
            }
            lines.add(" exit");
        }
        lines.add("exit");
        return lines;
    }

    /**
     * One key of a running chain as {@code show running-config} prints it.
     *
     * @param signs whether it may be signed with: it has no send-lifetime (the only send-lifetime
     *     kubermesh sets is {@link #RETIRED_SEND_LIFETIME})
     */
    record Key(int id, String secret, String algorithm, boolean signs) {
        @Override
        public String toString() {
            return "Key[id=" + id + ", algorithm=" + algorithm + ", signs=" + signs + ", secret=(redacted)]";
        }
    }

    /**
     * What a running ospf6d holds, read from {@code show running-config}.
     *
     * @param chains every key chain, by name, its keys by id
     * @param interfaces the chain each interface authenticates with, for those that do
     */
    record Live(Map<String, Map<Integer, Key>> chains, Map<String, String> interfaces) {
        Live {
            chains = Map.copyOf(chains);
            interfaces = Map.copyOf(interfaces);
        }
    }

    /** Parses the key chains and the interfaces' chains out of {@code show running-config}. */
    static Live parse(String runningConfig) {
        Map<String, Map<Integer, Key>> chains = new LinkedHashMap<>();
        Map<String, String> interfaces = new LinkedHashMap<>();
        Map<Integer, Key> chain = null;
        String iface = null;
        Integer id = null;
        String secret = null;
        String algorithm = null;
        boolean signs = true;
        for (String line : runningConfig.split("\n")) {
            String l = line.strip();
            if (!line.startsWith(" ")) {
                chain = null;
                iface = null;
                id = null;
                if (l.startsWith("key chain ")) {
                    chain = new TreeMap<>();
                    chains.put(l.substring("key chain ".length()).strip(), chain);
                } else if (l.startsWith("interface ")) {
                    iface = l.substring("interface ".length()).strip();
                }
            } else if (iface != null && l.startsWith("ipv6 ospf6 authentication keychain ")) {
                interfaces.put(iface, l.substring("ipv6 ospf6 authentication keychain ".length()).strip());
            } else if (chain == null) {
                continue;
            } else if (l.startsWith("key ")) {
                id = number(l.substring(4));
                secret = null;
                algorithm = null;
                signs = true;
            } else if (id == null) {
                continue;
            } else if (l.startsWith("key-string ")) {
                secret = l.substring("key-string ".length());
            } else if (l.startsWith("cryptographic-algorithm ")) {
                algorithm = l.substring("cryptographic-algorithm ".length());
            } else if (l.startsWith("send-lifetime ")) {
                signs = false;
            } else if (l.equals("exit")) {
                chain.put(id, new Key(id, secret, algorithm, signs));
                id = null;
            }
        }
        return new Live(chains, interfaces);
    }

    /**
     * The configuration commands that give an ospf6d holding {@code live} the ring {@code to} on
     * {@code ports}, in {@value FrrConfig#KEY_CHAIN} alone. They hold secrets: they go to
     * {@code vtysh -f} in a file of mode 0600, never onto a command line. A chain is deleted or
     * built only while no interface uses it.
     */
    static List<String> rekeyCommands(Live live, RoutingKeyring to, List<String> ports) {
        Collection<String> inUse = live.interfaces().values();
        String transit = TRANSIT.stream().filter(t -> !inUse.contains(t)).findFirst()
                .orElseThrow(() -> new IllegalStateException("both transit key chains in use: " + live.interfaces()));
        List<String> cmds = new ArrayList<>();
        if (live.chains().containsKey(transit)) {
            cmds.add("no key chain " + transit);
        }
        cmds.addAll(chain(transit, to));
        ports.forEach(p -> cmds.addAll(usePort(p, transit)));
        if (live.chains().containsKey(FrrConfig.KEY_CHAIN)) {
            cmds.add("no key chain " + FrrConfig.KEY_CHAIN);
        }
        cmds.addAll(chain(FrrConfig.KEY_CHAIN, to));
        ports.forEach(p -> cmds.addAll(usePort(p, FrrConfig.KEY_CHAIN)));
        for (String t : TRANSIT) {
            if (t.equals(transit) || live.chains().containsKey(t)) {
                cmds.add("no key chain " + t);
            }
        }
        return cmds;
    }

    private static List<String> usePort(String port, String chain) {
        return List.of("interface " + port, " ipv6 ospf6 authentication keychain " + chain, "exit");
    }

    /**
     * What in {@code live} differs from {@code ring} in {@value FrrConfig#KEY_CHAIN} on every one
     * of {@code ports}, without a secret; empty when ospf6d holds exactly that.
     */
    static Optional<String> differences(RoutingKeyring ring, List<String> ports, Live live) {
        List<String> out = new ArrayList<>();
        Map<Integer, Key> keys = live.chains().get(FrrConfig.KEY_CHAIN);
        if (keys == null) {
            out.add("no key chain " + FrrConfig.KEY_CHAIN);
            keys = Map.of();
        }
        TreeSet<Integer> want = new TreeSet<>(ring.all().stream().map(RoutingKey::id).toList());
        if (!want.equals(keys.keySet())) {
            out.add("key ids " + keys.keySet() + ", not " + want);
        }
        for (RoutingKey k : ring.all()) {
            Key l = keys.get(k.id());
            if (l == null) {
                continue;
            }
            if (!k.ospfKey().equals(l.secret())) {
                out.add("key " + k.id() + " has another secret");
            }
            if (!ALGORITHM.equals(l.algorithm())) {
                out.add("key " + k.id() + " has algorithm " + l.algorithm());
            }
            boolean signs = k.id() == ring.send().id();
            if (l.signs() != signs) {
                out.add("key " + k.id() + (signs ? " is not signed with" : " is signed with"));
            }
        }
        for (String p : ports) {
            String c = live.interfaces().get(p);
            if (!FrrConfig.KEY_CHAIN.equals(c)) {
                out.add(p + " authenticates with " + (c == null ? "no key chain" : "key chain " + c));
            }
        }
        TRANSIT.stream().filter(live.chains()::containsKey).forEach(t -> out.add("key chain " + t + " is left"));
        return out.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", out));
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new MalformedPacketException("FRR key chain: a key without an index: '" + text.strip() + "'");
        }
    }
}
