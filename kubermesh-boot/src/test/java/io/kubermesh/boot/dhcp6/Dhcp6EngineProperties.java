package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.testkit.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random histories of five machines on one port (new DUIDs at every stage, every message type,
 * time passing, server restarts from the lease file, the port's cable losing carrier) never see one
 * address granted to two live clients, and a machine that holds an address keeps it. A client is
 * live until the lifetime it was told ends or the cable it was on loses carrier (a mesh port is a
 * cable to one machine: the machines behind it then are gone).
 */
class Dhcp6EngineProperties {
    private static final MessageType[] TYPES = {MessageType.SOLICIT, MessageType.REQUEST, MessageType.RENEW,
            MessageType.REBIND, MessageType.RELEASE, MessageType.DECLINE, MessageType.SOLICIT};

    /**
     * One step: machine, its boot stage (a new DUID), message type index, rapid commit, seconds
     * passing, restart, and whether the cable loses carrier first.
     */
    record Step(int machine, int stage, int type, boolean rapid, int seconds, boolean restart, boolean cableGone) {
    }

    private record Grant(MacAddress mac, Instant until) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, TYPES.length - 1), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 9000), Arbitraries.integers().between(0, 19).map(i -> i == 0),
                Arbitraries.integers().between(0, 7).map(i -> i == 0))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void noAddressIsEverGrantedToTwoLiveClients(@ForAll("histories") List<Step> history) throws IOException {
        Path dir = Files.createTempDirectory("kmbd-engine-prop");
        try {
            ManualClock clock = new ManualClock(Instant.parse("2026-11-26T08:00:00Z"));
            Dhcp6Engine engine = engine(dir, clock);
            Map<Ipv6Address, Grant> grants = new HashMap<>();
            Map<MacAddress, Ipv6Address> held = new HashMap<>();
            int xid = 1;
            for (Step s : history) {
                clock.advance(Duration.ofSeconds(s.seconds()));
                if (s.restart()) {
                    engine = engine(dir, clock);
                }
                if (s.cableGone()) {
                    engine.cableGone(0);
                    Instant gone = clock.instant();
                    grants.replaceAll((a, g) -> g.until().isAfter(gone) ? new Grant(g.mac(), gone) : g);
                    // The machine plugged in next gets an address, unless every one is declined.
                    MacAddress next = new MacAddress(0x5254_0000_0800L + xid);
                    Optional<Dhcp6Message> r = engine.handle(new Dhcp6Engine.Received(0, Dhcp6EngineTest.linkLocal(next),
                            new Dhcp6Message(MessageType.SOLICIT, xid++, List.of(new Dhcp6Option.ClientId(
                                    new Duid.LinkLayer(1, Octets.of(next.toBytes()))),
                                    Dhcp6EngineTest.ia(), new Dhcp6Option.RapidCommit()))));
                    List<Ipv6Address> got = r.orElseThrow().all(Dhcp6Option.IaNa.class).stream()
                            .flatMap(ia -> ia.addresses().stream()).filter(a -> a.validLifetime() > 0)
                            .map(Dhcp6Option.IaAddress::address).toList();
                    boolean allDeclined = engine.leases().stream().filter(l -> l.client().equals(Lease.DECLINED)
                            && l.expires().isAfter(gone)).count() == Dhcp6EngineTest.PORT0.pool().size();
                    assertThat(!got.isEmpty() || allDeclined).as("a machine plugged in after the cable was gone got no"
                            + " address: leases %s", engine.leases()).isTrue();
                    for (Ipv6Address a : got) {
                        Grant other = grants.get(a);
                        assertThat(other == null || !other.until().isAfter(gone)).as("%s given to %s, held by %s", a, next,
                                other).isTrue();
                        grants.put(a, new Grant(next, gone.plusSeconds(Dhcp6EngineTest.BOOT.validLifetime().getSeconds())));
                    }
                }
                MacAddress mac = new MacAddress(0x5254_0000_0700L + s.machine());
                Duid duid = switch (s.stage()) {
                    case 0 -> new Duid.Uuid(Octets.ofHex(String.format("%032x", s.machine())));
                    case 1 -> new Duid.LinkLayer(1, Octets.of(mac.toBytes()));
                    case 2 -> new Duid.LinkLayerTime(1, 1000 + s.machine(), Octets.of(mac.toBytes()));
                    default -> new Duid.Enterprise(311, Octets.ofHex("0" + s.machine()));
                };
                MessageType type = TYPES[s.type()];
                boolean needsServer = type.equals(MessageType.REQUEST) || type.equals(MessageType.RENEW)
                        || type.equals(MessageType.RELEASE) || type.equals(MessageType.DECLINE);
                List<Dhcp6Option> options = new ArrayList<>();
                options.add(new Dhcp6Option.ClientId(duid));
                if (needsServer) {
                    options.add(new Dhcp6Option.ServerId(Dhcp6EngineTest.SERVER));
                }
                Ipv6Address mine = held.get(mac);
                options.add(Dhcp6EngineTest.ia(mine == null ? new Ipv6Address[0] : new Ipv6Address[] {mine}));
                if (s.rapid() && type.equals(MessageType.SOLICIT)) {
                    options.add(new Dhcp6Option.RapidCommit());
                }
                Optional<Dhcp6Message> reply = engine.handle(new Dhcp6Engine.Received(0,
                        Dhcp6EngineTest.linkLocal(mac), new Dhcp6Message(type, xid++, options)));
                Instant now = clock.instant();
                if ((type.equals(MessageType.RELEASE) || type.equals(MessageType.DECLINE)) && mine != null) {
                    grants.computeIfPresent(mine, (k, g) -> g.mac().equals(mac) ? null : g);
                    held.remove(mac);
                    continue;
                }
                if (reply.isEmpty() || !reply.get().type().equals(MessageType.REPLY)) {
                    continue;
                }
                for (Dhcp6Option.IaNa ia : reply.get().all(Dhcp6Option.IaNa.class)) {
                    for (Dhcp6Option.IaAddress a : ia.addresses()) {
                        if (a.validLifetime() == 0) {
                            continue;
                        }
                        Grant other = grants.get(a.address());
                        assertThat(other == null || other.mac().equals(mac) || !other.until().isAfter(now))
                                .as("%s granted to %s while %s holds it until %s (now %s)", a.address(), mac,
                                        other == null ? null : other.mac(), other == null ? null : other.until(), now)
                                .isTrue();
                        if (mine != null && grants.containsKey(mine) && grants.get(mine).mac().equals(mac)
                                && grants.get(mine).until().isAfter(now)) {
                            assertThat(a.address()).as("%s keeps its address %s (grant %s, now %s, step %s, leases %s, reply %s)", mac,
                                    mine, grants.get(mine), now, s, engine.leases(), reply.get()).isEqualTo(mine);
                        }
                        grants.put(a.address(), new Grant(mac, now.plusSeconds(a.validLifetime())));
                        held.put(mac, a.address());
                    }
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Dhcp6Engine engine(Path dir, ManualClock clock) {
        return new Dhcp6Engine(Dhcp6EngineTest.BOOT, List.of(Dhcp6EngineTest.PORT0), Dhcp6EngineTest.SERVER,
                new FileLeaseStore(dir), clock);
    }
}
