package io.kubermesh.boot.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.BootSpec;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Dhcp6EngineTest {
    static final ClusterSpec SPEC = ClusterConfig.seed();
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    static final PortPrefix PORT0 = new AddressPlan(SPEC).port(NODE, 0);
    static final PortPrefix PORT1 = new AddressPlan(SPEC).port(NODE, 1);
    static final Duid SERVER = new Duid.LinkLayer(1, Octets.of(NODE.toBytes()));
    static final BootSpec BOOT = SPEC.boot();

    @TempDir
    Path state;
    ManualClock clock;
    AtomicInteger writes;
    Dhcp6Engine engine;
    int xid = 1;

    @BeforeEach
    void start() {
        clock = new ManualClock(Instant.parse("2026-11-26T08:00:00Z"));
        writes = new AtomicInteger();
        engine = engine(new FileLeaseStore(state));
    }

    Dhcp6Engine engine(LeaseStore inner) {
        LeaseStore counting = new LeaseStore() {
            @Override
            public List<Lease> load() {
                return inner.load();
            }

            @Override
            public void replace(List<Lease> leases) {
                writes.incrementAndGet();
                inner.replace(leases);
            }
        };
        return new Dhcp6Engine(BOOT, List.of(PORT0, PORT1), SERVER, counting, clock);
    }

    static Ipv6Address linkLocal(MacAddress mac) {
        return new Ipv6Address(0xfe80_0000_0000_0000L, mac.eui64());
    }

    static Duid llt(MacAddress mac, long time) {
        return new Duid.LinkLayerTime(1, time, Octets.of(mac.toBytes()));
    }

    Dhcp6Message message(MessageType type, Duid client, boolean withServer, Dhcp6Option... extra) {
        List<Dhcp6Option> o = new ArrayList<>();
        o.add(new Dhcp6Option.ClientId(client));
        if (withServer) {
            o.add(new Dhcp6Option.ServerId(SERVER));
        }
        o.addAll(List.of(extra));
        return new Dhcp6Message(type, xid++, o);
    }

    static Dhcp6Option.IaNa ia(Ipv6Address... addresses) {
        List<Dhcp6Option> inner = new ArrayList<>();
        for (Ipv6Address a : addresses) {
            inner.add(new Dhcp6Option.IaAddress(a, 0, 0, List.of()));
        }
        return new Dhcp6Option.IaNa(1, 0, 0, inner);
    }

    Optional<Dhcp6Message> send(int port, Ipv6Address source, Dhcp6Message m) {
        return engine.handle(new Dhcp6Engine.Received(port, source, m));
    }

    /** Solicit then Request, as dhclient and UEFI do; the address of the Reply, if any. */
    Optional<Ipv6Address> bootStage(int port, Duid duid, Ipv6Address source) {
        Dhcp6Message adv = send(port, source, message(MessageType.SOLICIT, duid, false, ia())).orElseThrow();
        assertThat(adv.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(adv.option(Dhcp6Option.Preference.class)).contains(new Dhcp6Option.Preference(255));
        Dhcp6Message reply = send(port, source, message(MessageType.REQUEST, duid, true,
                ia(adv.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().stream()
                        .map(Dhcp6Option.IaAddress::address).toArray(Ipv6Address[]::new)))).orElseThrow();
        assertThat(reply.type()).isEqualTo(MessageType.REPLY);
        assertThat(reply.clientId()).contains(duid);
        assertThat(reply.serverId()).contains(SERVER);
        return reply.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().stream()
                .map(Dhcp6Option.IaAddress::address).findFirst();
    }

    static int iaStatus(Dhcp6Message m) {
        return m.option(Dhcp6Option.IaNa.class).orElseThrow().status().map(Dhcp6Option.Status::status).orElse(0);
    }

    @Test
    void bootStagesWithNewDuidsOnOneMacKeepOneAddress() {
        MacAddress m = MacAddress.parse("52:54:00:12:34:56");
        Ipv6Address ll = linkLocal(m);
        Ipv6Address firmware = bootStage(0, new Duid.Uuid(Octets.ofHex("8a1f3c2d4e5f40718293a4b5c6d7e8f9")), ll).orElseThrow();
        Ipv6Address ipxe = bootStage(0, new Duid.LinkLayer(1, Octets.of(m.toBytes())), ll).orElseThrow();
        Ipv6Address installer = bootStage(0, llt(m, 1000), new Ipv6Address(0xfe80_0000_0000_0000L, 0x1234_5678_9abc_def0L)).orElseThrow();
        Ipv6Address os = bootStage(0, llt(m, 2000), ll).orElseThrow();
        Ipv6Address osEn = bootStage(0, new Duid.Enterprise(311, Octets.ofHex("0102030405")), ll).orElseThrow();
        assertThat(List.of(firmware, ipxe, installer, os, osEn)).containsOnly(PORT0.pool().get(0));
        assertThat(engine.leases()).hasSize(1);
        assertThat(engine.leases().get(0).client()).isEqualTo("mac-" + m);
        // the pool still has room for two other machines
        assertThat(bootStage(0, llt(MacAddress.parse("52:54:00:00:00:0b"), 1), linkLocal(MacAddress.parse("52:54:00:00:00:0b"))))
                .contains(PORT0.pool().get(1));
        assertThat(bootStage(0, llt(MacAddress.parse("52:54:00:00:00:0c"), 1), linkLocal(MacAddress.parse("52:54:00:00:00:0c"))))
                .contains(PORT0.pool().get(2));
    }

    @Test
    void aFourthMachineOnAPortGetsNoAddrsAvailAndOtherPortsAreSeparate() {
        for (int i = 1; i <= 3; i++) {
            MacAddress m = new MacAddress(0x5254_0000_0100L + i);
            assertThat(bootStage(0, llt(m, i), linkLocal(m))).isPresent();
        }
        MacAddress fourth = new MacAddress(0x5254_0000_0104L);
        Dhcp6Message adv = send(0, linkLocal(fourth), message(MessageType.SOLICIT, llt(fourth, 4), false, ia())).orElseThrow();
        assertThat(iaStatus(adv)).isEqualTo(StatusCode.NO_ADDRS_AVAIL);
        assertThat(adv.option(Dhcp6Option.IaNa.class).orElseThrow().addresses()).isEmpty();
        Dhcp6Message reply = send(0, linkLocal(fourth), message(MessageType.REQUEST, llt(fourth, 4), true, ia())).orElseThrow();
        assertThat(iaStatus(reply)).isEqualTo(StatusCode.NO_ADDRS_AVAIL);
        assertThat(bootStage(1, llt(fourth, 4), linkLocal(fourth))).contains(PORT1.pool().get(0));
        assertThat(engine.leases()).extracting(Lease::address).doesNotHaveDuplicates().hasSize(4);
    }

    /**
     * A dead machine replaced by plugging a new one into its cable, again and again: once the
     * cable has lost carrier, the leases of the machines that were behind it are gone, so the fourth
     * machine within a lease's lifetime gets an address; one that comes back (a flapping cable)
     * gets its own; the other port keeps its leases; and a restarted server knows it from its store.
     */
    @Test
    void theMachinesOfACableThatLostCarrierLeaveTheirAddressesToTheNextOne() {
        for (int i = 1; i <= 3; i++) {
            MacAddress m = new MacAddress(0x5254_0000_0100L + i);
            assertThat(bootStage(0, llt(m, i), linkLocal(m))).isPresent();
            clock.advance(Duration.ofMinutes(1));
        }
        MacAddress other = MacAddress.parse("52:54:00:00:02:01");
        Ipv6Address onPort1 = bootStage(1, llt(other, 1), linkLocal(other)).orElseThrow();
        MacAddress fourth = new MacAddress(0x5254_0000_0104L);
        Dhcp6Message full = send(0, linkLocal(fourth), message(MessageType.SOLICIT, llt(fourth, 4), false, ia())).orElseThrow();
        assertThat(iaStatus(full)).isEqualTo(StatusCode.NO_ADDRS_AVAIL);

        int before = writes.get();
        assertThat(engine.cableGone(0)).extracting(Lease::address).containsExactlyInAnyOrderElementsOf(PORT0.pool());
        assertThat(writes.get()).as("written before it returns").isEqualTo(before + 1);
        // Each keeps its expiry (its machine netbooted through the port within a lease's lifetime), marked gone.
        assertThat(engine.leases()).filteredOn(l -> l.port() == 0).allSatisfy(l -> {
            assertThat(l.gone()).isEqualTo(clock.instant());
            assertThat(l.expires()).isAfter(clock.instant());
        });
        assertThat(engine.cableGone(0)).as("nothing left to mark").isEmpty();
        // A restarted server reads it back: the gone leases are in the store.
        engine = engine(new FileLeaseStore(state));
        assertThat(bootStage(0, llt(fourth, 4), linkLocal(fourth))).contains(PORT0.pool().get(0));
        // The third machine comes back on the same cable (it flapped): its own address still.
        MacAddress third = new MacAddress(0x5254_0000_0103L);
        assertThat(bootStage(0, llt(third, 9), linkLocal(third))).contains(PORT0.pool().get(2));
        assertThat(engine.leases()).extracting(Lease::address).doesNotHaveDuplicates();
        // Port 1's machine was not on that cable: its lease stands, and a newcomer there is refused
        // nothing yet (two free addresses), but never given its address.
        assertThat(engine.leases()).filteredOn(l -> l.address().equals(onPort1)).singleElement()
                .satisfies(l -> assertThat(l.gone()).isNull());
        MacAddress newcomer = MacAddress.parse("52:54:00:00:02:02");
        assertThat(bootStage(1, llt(newcomer, 1), linkLocal(newcomer))).isPresent().get().isNotEqualTo(onPort1);
    }

    /**
     * A cable that flapped with its machine still behind it: the machine's second IA (same DUID,
     * as OVMF's HTTP boot beside its Ip6Config) is given another machine's gone address, not the
     * one its first IA holds.
     */
    @Test
    void aSecondIaAfterAFlapTakesAnotherMachinesGoneAddressNotItsOwnFirstIas() {
        MacAddress a = MacAddress.parse("52:54:00:00:03:01");
        Duid duidA = llt(a, 1);
        Ipv6Address first = iaStage(duidA, linkLocal(a), 1001).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        for (int i = 2; i <= 3; i++) {
            MacAddress m = new MacAddress(0x5254_0000_0300L + i);
            assertThat(bootStage(0, llt(m, i), linkLocal(m))).isPresent();
        }
        engine.cableGone(0);
        Ipv6Address second = iaStage(duidA, linkLocal(a), 1002).orElseThrow();
        assertThat(second).isNotEqualTo(first).isEqualTo(PORT0.pool().get(1));
        assertThat(iaStage(duidA, linkLocal(a), 1001)).contains(first);
    }

    @Test
    void aCableGoneWhileTheStoreFailsChangesNothing() {
        MacAddress m = MacAddress.parse("52:54:00:00:01:01");
        Ipv6Address held = bootStage(0, llt(m, 1), linkLocal(m)).orElseThrow();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        FileLeaseStore file = new FileLeaseStore(state);
        engine = engine(new LeaseStore() {
            @Override
            public List<Lease> load() {
                return file.load();
            }

            @Override
            public void replace(List<Lease> leases) {
                if (failing.get()) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("disk full"));
                }
                file.replace(leases);
            }
        });
        failing.set(true);
        assertThat(engine.cableGone(0)).isEmpty();
        assertThat(engine.leases()).singleElement().satisfies(l -> {
            assertThat(l.address()).isEqualTo(held);
            assertThat(l.gone()).isNull();
        });
        assertThat(new FileLeaseStore(state).load()).singleElement().satisfies(l -> assertThat(l.gone()).isNull());
    }

    @Test
    void anAdvertisedAddressIsHeldForItsClient() {
        MacAddress a = MacAddress.parse("52:54:00:00:00:0a");
        MacAddress b = MacAddress.parse("52:54:00:00:00:0b");
        Dhcp6Message advA = send(0, linkLocal(a), message(MessageType.SOLICIT, llt(a, 1), false, ia())).orElseThrow();
        Dhcp6Message advB = send(0, linkLocal(b), message(MessageType.SOLICIT, llt(b, 1), false, ia())).orElseThrow();
        Ipv6Address forA = advA.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address();
        Ipv6Address forB = advB.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address();
        assertThat(forA).isNotEqualTo(forB);
        assertThat(writes).hasValue(0);
        assertThat(bootStage(0, llt(b, 1), linkLocal(b))).contains(forB);
        assertThat(bootStage(0, llt(a, 1), linkLocal(a))).contains(forA);
    }

    @Test
    void unicastAndOffLinkMessagesAreDiscarded() {
        // RFC 8415 sections 16 and 18.4: no Server Unicast option was sent, so unicast is discarded;
        // and a source that is not link-local was routed here from beyond the port's link.
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        for (MessageType t : List.of(MessageType.SOLICIT, MessageType.REBIND, MessageType.CONFIRM)) {
            Dhcp6Message msg = message(t, llt(m, 1), false, ia(PORT0.pool().get(0)), new Dhcp6Option.RapidCommit());
            assertThat(engine.handle(new Dhcp6Engine.Received(0, linkLocal(m), PORT0.thisEnd(), msg))).as("unicast %s", t)
                    .isEmpty();
        }
        Dhcp6Message request = message(MessageType.REQUEST, llt(m, 1), true, ia(PORT0.pool().get(0)));
        assertThat(engine.handle(new Dhcp6Engine.Received(0, linkLocal(m), PORT0.thisEnd(), request))).isEmpty();
        Dhcp6Message solicit = message(MessageType.SOLICIT, llt(m, 1), false, ia(), new Dhcp6Option.RapidCommit());
        assertThat(engine.handle(new Dhcp6Engine.Received(0, PORT1.pool().get(0), Dhcp6Engine.ALL_SERVERS, solicit)))
                .as("a global source").isEmpty();
        assertThat(engine.leases()).isEmpty();
        assertThat(writes.get()).isZero();
    }

    @Test
    void aLeaseStoreThatCannotWriteCostsThatMessageOnly() {
        boolean[] broken = {true};
        engine = engine(new LeaseStore() {
            final FileLeaseStore disk = new FileLeaseStore(state);

            @Override
            public List<Lease> load() {
                return disk.load();
            }

            @Override
            public void replace(List<Lease> leases) {
                if (broken[0]) {
                    throw new java.io.UncheckedIOException("read-only file system", new java.io.IOException("EROFS"));
                }
                disk.replace(leases);
            }
        });
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Dhcp6Message rapid = message(MessageType.SOLICIT, llt(m, 1), false, ia(), new Dhcp6Option.RapidCommit());
        assertThat(send(0, linkLocal(m), rapid)).as("nothing promised that is not stored").isEmpty();
        assertThat(engine.leases()).as("rolled back").isEmpty();
        Dhcp6Message solicit = message(MessageType.SOLICIT, llt(m, 1), false, ia());
        assertThat(send(0, linkLocal(m), solicit)).map(Dhcp6Message::type).contains(MessageType.ADVERTISE);
        broken[0] = false;
        assertThat(send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia(),
                new Dhcp6Option.RapidCommit()))).map(Dhcp6Message::type).contains(MessageType.REPLY);
        assertThat(new FileLeaseStore(state).load()).hasSize(1);
    }

    @Test
    void rapidCommitRepliesAtOnceAndStoresTheLease() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Dhcp6Message reply = send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia(),
                new Dhcp6Option.RapidCommit())).orElseThrow();
        assertThat(reply.type()).isEqualTo(MessageType.REPLY);
        assertThat(reply.option(Dhcp6Option.RapidCommit.class)).isPresent();
        Dhcp6Option.IaAddress a = reply.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0);
        assertThat(a.address()).isEqualTo(PORT0.pool().get(0));
        assertThat(a.preferredLifetime()).isEqualTo(BOOT.preferredLifetime().getSeconds());
        assertThat(a.validLifetime()).isEqualTo(BOOT.validLifetime().getSeconds());
        Dhcp6Option.IaNa iaNa = reply.option(Dhcp6Option.IaNa.class).orElseThrow();
        assertThat(iaNa.t1()).isEqualTo(BOOT.preferredLifetime().getSeconds() / 2);
        assertThat(iaNa.t2()).isEqualTo(BOOT.preferredLifetime().getSeconds() * 4 / 5);
        assertThat(new FileLeaseStore(state).load()).extracting(Lease::address).containsExactly(a.address());
    }

    @Test
    void releaseFreesTheAddressAndDeclineWithdrawsItUntilItExpires() {
        MacAddress[] macs = {new MacAddress(0x5254_0000_0201L), new MacAddress(0x5254_0000_0202L), new MacAddress(0x5254_0000_0203L)};
        List<Ipv6Address> got = new ArrayList<>();
        for (MacAddress m : macs) {
            got.add(bootStage(0, llt(m, 1), linkLocal(m)).orElseThrow());
        }
        Dhcp6Message released = send(0, linkLocal(macs[0]), message(MessageType.RELEASE, llt(macs[0], 1), true,
                ia(got.get(0)))).orElseThrow();
        assertThat(released.option(Dhcp6Option.Status.class).orElseThrow().status()).isEqualTo(StatusCode.SUCCESS);
        MacAddress late = new MacAddress(0x5254_0000_0204L);
        assertThat(bootStage(0, llt(late, 1), linkLocal(late))).contains(got.get(0));

        Dhcp6Message declined = send(0, linkLocal(macs[1]), message(MessageType.DECLINE, llt(macs[1], 1), true,
                ia(got.get(1)))).orElseThrow();
        assertThat(declined.option(Dhcp6Option.Status.class).orElseThrow().status()).isEqualTo(StatusCode.SUCCESS);
        assertThat(engine.leases()).filteredOn(l -> l.address().equals(got.get(1))).extracting(Lease::client)
                .containsExactly(Lease.DECLINED);
        // the decliner itself gets nothing now: its old address is withdrawn, the others are taken
        assertThat(bootStage(0, llt(macs[1], 1), linkLocal(macs[1]))).isEmpty();
        clock.advance(BOOT.validLifetime().plusSeconds(1));
        assertThat(bootStage(0, llt(macs[1], 1), linkLocal(macs[1]))).contains(got.get(1));
    }

    @Test
    void renewAndRebindExtendAndNoBindingWhenThereIsNone() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = bootStage(0, llt(m, 1), linkLocal(m)).orElseThrow();
        clock.advance(BOOT.preferredLifetime().dividedBy(2));
        Dhcp6Message renewed = send(0, linkLocal(m), message(MessageType.RENEW, llt(m, 1), true, ia(a))).orElseThrow();
        assertThat(renewed.option(Dhcp6Option.IaNa.class).orElseThrow().addresses()).extracting(Dhcp6Option.IaAddress::address)
                .containsExactly(a);
        clock.advance(BOOT.preferredLifetime().dividedBy(2));
        Dhcp6Message rebound = send(0, linkLocal(m), message(MessageType.REBIND, llt(m, 1), false, ia(a))).orElseThrow();
        assertThat(rebound.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).validLifetime()).isPositive();
        // far past anything told, the lease is still the client's after renewals
        clock.advance(BOOT.validLifetime().multipliedBy(3).minus(BOOT.preferredLifetime()));
        for (int i = 1; i <= 3; i++) {
            MacAddress other = new MacAddress(0x5254_0000_0300L + i);
            bootStage(0, llt(other, 1), linkLocal(other));
        }
        Dhcp6Message noBinding = send(0, linkLocal(m), message(MessageType.RENEW, llt(m, 1), true, ia(a))).orElseThrow();
        assertThat(noBinding.option(Dhcp6Option.IaNa.class).orElseThrow().addresses()).isEmpty();
        assertThat(iaStatus(noBinding)).isEqualTo(StatusCode.NO_BINDING);
    }

    @Test
    void renewingStoresOncePerValidLifetimeNotOncePerExchange() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = bootStage(0, llt(m, 1), linkLocal(m)).orElseThrow();
        assertThat(writes).hasValue(1);
        for (int i = 0; i < 20; i++) {
            send(0, linkLocal(m), message(MessageType.RENEW, llt(m, 1), true, ia(a))).orElseThrow();
            clock.advance(Duration.ofSeconds(60));
        }
        assertThat(writes).hasValue(1);
        clock.advance(BOOT.validLifetime());
        send(0, linkLocal(m), message(MessageType.RENEW, llt(m, 1), true, ia(a))).orElseThrow();
        assertThat(writes).hasValue(2);
        Lease stored = new FileLeaseStore(state).load().get(0);
        assertThat(stored.expires()).isAfterOrEqualTo(clock.instant().plus(BOOT.validLifetime()));
    }

    @Test
    void confirmSaysWhetherAddressesAreOnLink() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Dhcp6Message on = send(0, linkLocal(m), message(MessageType.CONFIRM, llt(m, 1), false, ia(PORT0.pool().get(2))))
                .orElseThrow();
        assertThat(on.option(Dhcp6Option.Status.class).orElseThrow().status()).isEqualTo(StatusCode.SUCCESS);
        Dhcp6Message off = send(0, linkLocal(m), message(MessageType.CONFIRM, llt(m, 1), false, ia(PORT1.pool().get(0))))
                .orElseThrow();
        assertThat(off.option(Dhcp6Option.Status.class).orElseThrow().status()).isEqualTo(StatusCode.NOT_ON_LINK);
        assertThat(send(0, linkLocal(m), message(MessageType.CONFIRM, llt(m, 1), false, ia()))).isEmpty();
    }

    @Test
    void serverIdRulesOfRfc8415Section16() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        assertThat(send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), true, ia()))).isEmpty();
        assertThat(send(0, linkLocal(m), message(MessageType.REQUEST, llt(m, 1), false, ia()))).isEmpty();
        Dhcp6Message wrong = new Dhcp6Message(MessageType.REQUEST, 5, List.of(new Dhcp6Option.ClientId(llt(m, 1)),
                new Dhcp6Option.ServerId(new Duid.LinkLayer(1, Octets.ofHex("525400000099"))), ia()));
        assertThat(send(0, linkLocal(m), wrong)).isEmpty();
        assertThat(send(0, linkLocal(m), new Dhcp6Message(MessageType.SOLICIT, 5, List.of(ia())))).isEmpty();
        assertThat(send(7, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia()))).isEmpty();
        assertThat(engine.leases()).isEmpty();
    }

    @Test
    void bootFileByArchitectureVendorAndUserClass() {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        String host = "[" + PORT0.thisEnd() + "]";
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(7)))).isEqualTo("tftp://" + host + "/snponly.efi");
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(9)))).isEqualTo("tftp://" + host + "/snponly.efi");
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(0)))).isEqualTo("tftp://" + host + "/undionly.kpxe");
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(11)))).isEqualTo("tftp://" + host + "/snponly-arm64.efi");
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(19)))).isEqualTo("http://" + host + ":8080/snponly-arm64.efi");
        assertThat(bootfile(m, new Dhcp6Option.ClientArch(List.of(7)),
                new Dhcp6Option.UserClass(List.of(Octets.ofText("iPXE"))))).isEqualTo("http://" + host + ":8080/boot.ipxe");

        Dhcp6Message http = send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia(),
                new Dhcp6Option.OptionRequest(List.of(59)), new Dhcp6Option.ClientArch(List.of(16)),
                new Dhcp6Option.VendorClass(343, List.of(Octets.ofText("HTTPClient:Arch:00016:UNDI:003001"))))).orElseThrow();
        assertThat(http.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("http://" + host + ":8080/snponly.efi");
        assertThat(http.all(Dhcp6Option.VendorClass.class)).containsExactly(
                new Dhcp6Option.VendorClass(343, List.of(Octets.ofText("HTTPClient"))));
        // a PXE client gets no vendor class back
        Dhcp6Message pxe = send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia(),
                new Dhcp6Option.ClientArch(List.of(7)),
                new Dhcp6Option.VendorClass(343, List.of(Octets.ofText("PXEClient:Arch:00007:UNDI:003016"))))).orElseThrow();
        assertThat(pxe.all(Dhcp6Option.VendorClass.class)).isEmpty();
        // a client that neither asks for 59 nor names its architecture gets no boot file
        Dhcp6Message plain = send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, ia())).orElseThrow();
        assertThat(plain.option(Dhcp6Option.BootfileUrl.class)).isEmpty();
        // information-request
        Dhcp6Message info = send(0, linkLocal(m), message(MessageType.INFORMATION_REQUEST, llt(m, 1), false,
                new Dhcp6Option.OptionRequest(List.of(59)))).orElseThrow();
        assertThat(info.type()).isEqualTo(MessageType.REPLY);
        assertThat(info.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("tftp://" + host + "/snponly.efi");
        assertThat(info.option(Dhcp6Option.IaNa.class)).isEmpty();
        // RFC 8415 section 18.2.6: no client id is fine for an Information-request
        Dhcp6Message anonymous = send(0, linkLocal(m), new Dhcp6Message(MessageType.INFORMATION_REQUEST, 9,
                List.of(new Dhcp6Option.OptionRequest(List.of(59))))).orElseThrow();
        assertThat(anonymous.clientId()).isEmpty();
        assertThat(anonymous.serverId()).contains(SERVER);
        assertThat(anonymous.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("tftp://" + host + "/snponly.efi");
    }

    @Test
    void theGoldenSolicitsGetTheirBootFiles() {
        String host = "[" + PORT0.thisEnd() + "]";
        MacAddress firmwareNic = MacAddress.parse("52:54:00:aa:bb:cc");
        Dhcp6Message uefi = send(0, linkLocal(firmwareNic),
                Dhcp6Codec.decode(java.util.HexFormat.of().parseHex(Dhcp6CodecTest.UEFI_SOLICIT))).orElseThrow();
        assertThat(uefi.type()).isEqualTo(MessageType.ADVERTISE);
        assertThat(uefi.transactionId()).isEqualTo(0xabcdef);
        assertThat(uefi.option(Dhcp6Option.BootfileUrl.class).orElseThrow().url()).isEqualTo("tftp://" + host + "/snponly.efi");
        assertThat(uefi.all(Dhcp6Option.VendorClass.class)).isEmpty();
        Dhcp6Message dhclient = send(0, linkLocal(MacAddress.parse("52:54:00:bb:00:02")),
                Dhcp6Codec.decode(java.util.HexFormat.of().parseHex(Dhcp6CodecTest.DHCLIENT_SOLICIT))).orElseThrow();
        assertThat(dhclient.option(Dhcp6Option.IaNa.class).orElseThrow().iaid()).isEqualTo(0x00bb0002L);
        assertThat(dhclient.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address())
                .isEqualTo(PORT0.pool().get(1));
    }

    private String bootfile(MacAddress m, Dhcp6Option... extra) {
        List<Dhcp6Option> options = new ArrayList<>(List.of(ia(), new Dhcp6Option.OptionRequest(List.of(59))));
        options.addAll(List.of(extra));
        return send(0, linkLocal(m), message(MessageType.SOLICIT, llt(m, 1), false, options.toArray(Dhcp6Option[]::new)))
                .orElseThrow().option(Dhcp6Option.BootfileUrl.class).orElseThrow().url();
    }

    @Test
    void aRestartedEngineKeepsItsLeases() {
        List<Ipv6Address> got = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            MacAddress m = new MacAddress(0x5254_0000_0400L + i);
            got.add(bootStage(0, llt(m, i), linkLocal(m)).orElseThrow());
        }
        engine = engine(new FileLeaseStore(state));
        MacAddress fourth = new MacAddress(0x5254_0000_0404L);
        Dhcp6Message adv = send(0, linkLocal(fourth), message(MessageType.SOLICIT, llt(fourth, 4), false, ia())).orElseThrow();
        assertThat(iaStatus(adv)).isEqualTo(StatusCode.NO_ADDRS_AVAIL);
        MacAddress second = new MacAddress(0x5254_0000_0402L);
        assertThat(bootStage(0, new Duid.LinkLayer(1, Octets.of(second.toBytes())), linkLocal(second))).contains(got.get(1));
    }

    @Test
    void aCrashBeforeTheRenameLosesOnlyTheUnansweredLease() throws Exception {
        MacAddress first = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = bootStage(0, llt(first, 1), linkLocal(first)).orElseThrow();
        engine = engine(new FileLeaseStore(state, () -> {
            throw new IllegalStateException("simulated crash after fsync of the temporary file");
        }));
        MacAddress second = MacAddress.parse("52:54:00:00:00:0b");
        assertThatThrownBy(() -> bootStage(0, llt(second, 1), linkLocal(second)))
                .hasMessageContaining("simulated crash");
        assertThat(Files.exists(state.resolve("dhcp6.leases.tmp"))).isTrue();
        // the reply was never sent; after restart the first lease is intact and the file is whole
        engine = engine(new FileLeaseStore(state));
        assertThat(engine.leases()).extracting(Lease::address).containsExactly(a);
        assertThat(bootStage(0, llt(first, 2), linkLocal(first))).contains(a);
        assertThat(bootStage(0, llt(second, 1), linkLocal(second))).isPresent().isNotEqualTo(Optional.of(a));
        assertThat(Files.exists(state.resolve("dhcp6.leases.tmp"))).isFalse();
    }

    @Test
    void aTornTemporaryFileIsIgnored() throws Exception {
        MacAddress first = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = bootStage(0, llt(first, 1), linkLocal(first)).orElseThrow();
        Files.writeString(state.resolve("dhcp6.leases.tmp"), FileLeaseStore.HEADER + "\n0 2001:db8::");
        assertThat(new FileLeaseStore(state).load()).extracting(Lease::address).containsExactly(a);
    }

    @Test
    void expiredLeasesAreReclaimedOldestFirst() {
        for (int i = 1; i <= 3; i++) {
            MacAddress m = new MacAddress(0x5254_0000_0500L + i);
            bootStage(0, llt(m, i), linkLocal(m));
            clock.advance(Duration.ofSeconds(10));
        }
        clock.advance(BOOT.validLifetime().multipliedBy(2));
        MacAddress late = new MacAddress(0x5254_0000_0509L);
        assertThat(bootStage(0, llt(late, 1), linkLocal(late))).contains(PORT0.pool().get(0));
    }

    /** One IA's Solicit then Request, with its own IAID; the address of the Reply, if any. */
    Optional<Ipv6Address> iaStage(Duid duid, Ipv6Address source, long iaid) {
        Dhcp6Message adv = send(0, source, message(MessageType.SOLICIT, duid, false,
                new Dhcp6Option.IaNa(iaid, 0, 0, List.of()))).orElseThrow();
        List<Dhcp6Option> offered = adv.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().stream()
                .map(a -> (Dhcp6Option) new Dhcp6Option.IaAddress(a.address(), 0, 0, List.of())).toList();
        Dhcp6Message reply = send(0, source, message(MessageType.REQUEST, duid, true,
                new Dhcp6Option.IaNa(iaid, 0, 0, offered))).orElseThrow();
        Dhcp6Option.IaNa ia = reply.option(Dhcp6Option.IaNa.class).orElseThrow();
        assertThat(ia.iaid()).isEqualTo(iaid);
        return ia.addresses().stream().map(Dhcp6Option.IaAddress::address).findFirst();
    }

    /**
     * OVMF's Ip6Config and its HTTP boot each run DHCPv6 under the firmware's one DUID with an IAID
     * of their own, at the same time. With one address for both, the Release of one IA took the
     * address from the other's interface ("Could not establish connection with HTTP server" in
     * the former NetbootFirmwareIT, now and then): each IA gets its own, each Release frees only its own.
     */
    @Test
    void twoIasUnderOneDuidGetTwoAddressesAndEachReleasesOnlyItsOwn() {
        MacAddress m = MacAddress.parse("52:54:00:4b:00:41");
        Duid firmware = new Duid.Uuid(Octets.ofHex("8a1f3c2d4e5f40718293a4b5c6d7e8f9"));
        // Both Solicits first, as the two drivers race: the second must not be offered the first's.
        Dhcp6Message advC = send(0, linkLocal(m), message(MessageType.SOLICIT, firmware, false,
                new Dhcp6Option.IaNa(0x4b0041c1L, 0, 0, List.of()))).orElseThrow();
        Dhcp6Message advD = send(0, linkLocal(m), message(MessageType.SOLICIT, firmware, false,
                new Dhcp6Option.IaNa(0x4b0041d2L, 0, 0, List.of()))).orElseThrow();
        Ipv6Address x = advC.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address();
        assertThat(advD.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address()).isNotEqualTo(x);
        Ipv6Address ip6Config = iaStage(firmware, linkLocal(m), 0x4b0041c1L).orElseThrow();
        Ipv6Address httpBoot = iaStage(firmware, linkLocal(m), 0x4b0041d2L).orElseThrow();
        assertThat(ip6Config).isEqualTo(x).isNotEqualTo(httpBoot);
        assertThat(engine.leases()).extracting(Lease::iaid).containsExactlyInAnyOrder(0x4b0041c1L, 0x4b0041d2L);

        // Ip6Config's Release names its IA; HTTP boot's address stays bound (and renews as itself).
        Dhcp6Message released = send(0, linkLocal(m), message(MessageType.RELEASE, firmware, true,
                new Dhcp6Option.IaNa(0x4b0041c1L, 0, 0, List.of(new Dhcp6Option.IaAddress(ip6Config, 0, 0, List.of())))))
                .orElseThrow();
        assertThat(released.option(Dhcp6Option.Status.class).orElseThrow().message()).isEqualTo("released 1");
        // A Release naming the other IA's address under the wrong IA frees nothing.
        Dhcp6Message wrong = send(0, linkLocal(m), message(MessageType.RELEASE, firmware, true,
                new Dhcp6Option.IaNa(0x4b0041c1L, 0, 0, List.of(new Dhcp6Option.IaAddress(httpBoot, 0, 0, List.of())))))
                .orElseThrow();
        assertThat(wrong.option(Dhcp6Option.Status.class).orElseThrow().message()).isEqualTo("released 0");
        assertThat(engine.leases()).extracting(Lease::address).containsExactly(httpBoot);
        Dhcp6Message renewed = send(0, linkLocal(m), message(MessageType.RENEW, firmware, true,
                new Dhcp6Option.IaNa(0x4b0041d2L, 0, 0, List.of(new Dhcp6Option.IaAddress(httpBoot, 0, 0, List.of())))))
                .orElseThrow();
        assertThat(renewed.option(Dhcp6Option.IaNa.class).orElseThrow().addresses().get(0).address()).isEqualTo(httpBoot);

        // The next stage (iPXE, its own DUID and IAID) keeps the machine's address.
        assertThat(iaStage(new Duid.LinkLayer(1, Octets.of(m.toBytes())), linkLocal(m), 0x12345678L)).contains(httpBoot);
        assertThat(engine.leases()).hasSize(1);
    }

    /** A firmware that draws a new IAID at every boot takes over its own oldest lease, never another machine's. */
    @Test
    void aClientWithNewIaidsAtEveryBootTakesOverItsOwnOldestLease() {
        MacAddress m = MacAddress.parse("52:54:00:4b:00:41");
        MacAddress other = MacAddress.parse("52:54:00:4b:00:42");
        Ipv6Address others = bootStage(0, llt(other, 1), linkLocal(other)).orElseThrow();
        Duid firmware = new Duid.Uuid(Octets.ofHex("8a1f3c2d4e5f40718293a4b5c6d7e8f9"));
        Ipv6Address first = iaStage(firmware, linkLocal(m), 1001).orElseThrow();
        clock.advance(Duration.ofSeconds(60));
        Ipv6Address second = iaStage(firmware, linkLocal(m), 1002).orElseThrow();
        clock.advance(Duration.ofSeconds(60));
        Ipv6Address third = iaStage(firmware, linkLocal(m), 1003).orElseThrow();
        assertThat(List.of(first, second, third)).doesNotContain(others);
        assertThat(third).as("its own oldest").isEqualTo(first);
        assertThat(engine.leases()).filteredOn(l -> l.address().equals(others)).extracting(Lease::client)
                .containsExactly("mac-" + other);
        // The machine's leases are keyed by their IAs: IAID 1002 still has its address.
        assertThat(iaStage(firmware, linkLocal(m), 1002)).contains(second);
    }

    /**
     * Writes a lease file of an older format ({@code header}) with one lease of {@code m} on
     * {@code a} (the IAID field {@code iaid} as that format has it, empty for version 1), and
     * starts the engine from it.
     */
    private void startFromOlderFile(String header, Ipv6Address a, MacAddress m, String iaid) throws Exception {
        long expires = clock.instant().plus(BOOT.validLifetime()).getEpochSecond();
        Files.writeString(state.resolve("dhcp6.leases"), header + "\n0 " + a + " mac-" + m + iaid + " " + expires
                + " 000100010000000152540000000a\n");
        engine = engine(new FileLeaseStore(state));
    }

    /** A lease file from before leases named their IA loads, its leases answering any IA of their client. */
    @Test
    void aVersionOneLeaseFileStillLoads() throws Exception {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = PORT0.pool().get(1);
        startFromOlderFile(FileLeaseStore.HEADER_V1, a, m, "");
        assertThat(engine.leases()).extracting(Lease::iaid).containsExactly(Lease.ANY_IA);
        assertThat(iaStage(llt(m, 1), linkLocal(m), 77)).contains(a);
        assertThat(Files.readAllLines(state.resolve("dhcp6.leases"))).first().isEqualTo(FileLeaseStore.HEADER);
        assertThat(new FileLeaseStore(state).load()).extracting(Lease::iaid).containsExactly(77L);
    }

    @Test
    void malformedLeaseFilesAreRefusedWithTheirLine() throws Exception {
        Path file = state.resolve("dhcp6.leases");
        Files.writeString(file, FileLeaseStore.HEADER + "\n0 2001:db8::a4:a800:0:221 mac-52:54:00:00:00:0a 1 1800000000 00\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("dhcp6.leases:2: expected 7 fields");
        Files.writeString(file, FileLeaseStore.HEADER_V2 + "\n0 2001:db8::a4:a800:0:221 mac-52:54:00:00:00:0a 1 1800000000\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("dhcp6.leases:2: expected 6 fields");
        Files.writeString(file, FileLeaseStore.HEADER + "\n0 2001:db8::a4:a800:0:221 mac-52:54:00:00:00:0a -7 1800000000 00 -\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("dhcp6.leases:2:");
        Files.writeString(file, FileLeaseStore.HEADER + "\n0 2001:db8::a4:a800:0:221 mac-52:54:00:00:00:0a 4294967296 1800000000 00 -\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("outside 0 to 2^32-1");
        Files.writeString(file, FileLeaseStore.HEADER + "\n0 2001:db8::a4:a800:0:221 mac-52:54:00:00:00:0a 1 1800000000 00 soon\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("dhcp6.leases:2:").hasMessageContaining("soon");
        Files.writeString(file, "# kubermesh dhcp6 leases v4\n");
        assertThatThrownBy(() -> new FileLeaseStore(state).load()).hasMessageContaining("is not a kubermesh lease file");
    }

    /** Golden lines of the current format, both ways: a lease whose client is on its cable and one gone with it. */
    @Test
    void theLeaseFileFormatRoundTrips() throws Exception {
        Ipv6Address a = PORT0.pool().get(0);
        Ipv6Address b = PORT0.pool().get(1);
        List<Lease> leases = List.of(new Lease(0, "mac-52:54:00:00:00:0a", a, 1, Instant.ofEpochSecond(1800000000L), "00030001525400000000a"),
                new Lease(0, "mac-52:54:00:00:00:0b", b, 4294967295L, Instant.ofEpochSecond(1800000100L), "0004aa",
                        Instant.ofEpochSecond(1790000000L)));
        new FileLeaseStore(state).replace(leases);
        assertThat(Files.readAllLines(state.resolve("dhcp6.leases"))).containsExactly("# kubermesh dhcp6 leases v3",
                "0 " + a + " mac-52:54:00:00:00:0a 1 1800000000 00030001525400000000a -",
                "0 " + b + " mac-52:54:00:00:00:0b 4294967295 1800000100 0004aa 1790000000");
        assertThat(new FileLeaseStore(state).load()).isEqualTo(leases);
    }

    /** A version 2 file (no GONE field: every client on its cable) loads and is rewritten as version 3. */
    @Test
    void aVersionTwoLeaseFileStillLoads() throws Exception {
        MacAddress m = MacAddress.parse("52:54:00:00:00:0a");
        Ipv6Address a = PORT0.pool().get(2);
        startFromOlderFile(FileLeaseStore.HEADER_V2, a, m, " 1");
        assertThat(engine.leases()).singleElement().satisfies(l -> {
            assertThat(l.gone()).isNull();
            assertThat(l.iaid()).isEqualTo(1L);
        });
        assertThat(bootStage(0, llt(m, 1), linkLocal(m))).contains(a);
        engine.cableGone(0);
        assertThat(Files.readAllLines(state.resolve("dhcp6.leases"))).first().isEqualTo(FileLeaseStore.HEADER);
        assertThat(new FileLeaseStore(state).load()).singleElement().satisfies(l -> assertThat(l.gone()).isNotNull());
    }
}
