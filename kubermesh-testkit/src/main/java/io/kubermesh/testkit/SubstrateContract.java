package io.kubermesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateProvider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SubstrateProvider} and {@link Substrate}: every provider (netns,
 * libvirt, baremetal) subclasses this and runs the same suite. It checks machines, cables, power
 * and teardown with three machines of fixed shape, so a provider that needs them listed
 * beforehand (a site inventory) can list them: {@code km-a} and {@code km-b} with two NICs,
 * {@code km-c} with one ({@link #spec}), and one cable, {@link #A0} to {@link #B1}. Machines are
 * added not netbooted unless {@link #netbooted} says otherwise (on bare metal only the gateway is
 * deployed from this host; the rest are powered through their BMCs), and nothing is deployed on
 * them unless {@link #beforePowerOn} does it. Every hook must answer: one that cannot (a provider
 * that cannot see a link from outside) fails the suite rather than passing it.
 */
public abstract class SubstrateContract {
    private Substrate substrate;

    /** The provider under test. */
    protected abstract SubstrateProvider provider();

    /** A fresh, empty substrate from {@link #provider()}. */
    protected abstract Substrate createSubstrate();

    /** Whether the link of a cabled port is up (carrier) as the machine sees it. */
    protected abstract boolean linkIsUp(Substrate substrate, PortRef port);

    /** Whether anything the substrate created is still there after {@link Substrate#close()}. */
    protected abstract boolean leftovers(Substrate closed);

    /** The one cable the suite lays: {@code km-a} port 0 to {@code km-b} port 1. */
    protected static final PortRef A0 = new PortRef("km-a", 0);
    protected static final PortRef B1 = new PortRef("km-b", 1);

    /** Whether the suite adds {@code machine} as one that netboots (false unless a provider needs it). */
    protected boolean netbooted(String machine) {
        return false;
    }

    /** What must happen before the suite powers {@code machine} on (nothing unless a provider needs it: a deployment). */
    protected void beforePowerOn(Substrate substrate, String machine) {
    }

    /** The suite's machine of that name, as it adds it: its {@link #shape} and {@link #netbooted}. */
    protected final MachineSpec spec(String name) {
        return new MachineSpec(name, shape(name).nics(), netbooted(name));
    }

    /** The suite's machines: km-a (2 NICs), km-b (2 NICs), km-c (1 NIC); the MAC of machine S's NIC I is 52:54:00:00:0S:0I. */
    protected static MachineSpec shape(String name) {
        return switch (name) {
            case "km-a" -> machine(name, 2, 1);
            case "km-b" -> machine(name, 2, 2);
            case "km-c" -> machine(name, 1, 3);
            default -> throw new IllegalArgumentException("the suite has no machine " + name);
        };
    }

    private void add(String... names) {
        for (String n : names) {
            substrate.addMachine(spec(n));
        }
    }

    private void powerOn(String machine) {
        beforePowerOn(substrate, machine);
        substrate.powerOn(machine);
    }

    @BeforeEach
    final void create() {
        substrate = createSubstrate();
    }

    @AfterEach
    final void tearDown() {
        if (substrate != null) {
            substrate.close();
        }
    }

    protected final Substrate substrate() {
        return substrate;
    }

    protected static MachineSpec machine(String name, int nics, int seed) {
        List<MacAddress> macs = new java.util.ArrayList<>();
        for (int i = 0; i < nics; i++) {
            macs.add(new MacAddress(0x5254_0000_0000L | ((long) seed << 8) | i));
        }
        return new MachineSpec(name, macs, false);
    }

    @Test
    void theProviderHasAName() {
        assertThat(provider().name()).matches("[a-z][a-z0-9-]*");
    }

    @Test
    void anAddedMachineIsListedPoweredOffWithItsNics() {
        add("km-a");
        List<MachineStatus> machines = substrate.machines();
        assertThat(machines).hasSize(1);
        assertThat(machines.get(0).name()).isEqualTo("km-a");
        assertThat(machines.get(0).powered()).isFalse();
        assertThat(machines.get(0).nics()).hasSize(2);
        assertThat(substrate.topology().machine("km-a").orElseThrow().ports()).isEqualTo(2);
    }

    @Test
    void aMachineNameIsUnique() {
        add("km-a");
        assertThatThrownBy(() -> substrate.addMachine(machine("km-a", 1, 2))).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("km-a");
    }

    @Test
    void cablesAreListedAndCut() {
        add("km-a", "km-b");
        substrate.cable(A0, B1);
        assertThat(substrate.topology().cables()).containsExactly(new Cable(A0, B1));
        substrate.cut(A0, B1);
        assertThat(substrate.topology().cables()).isEmpty();
        substrate.cable(B1, A0);
        assertThat(substrate.topology().cables()).hasSize(1);
    }

    @Test
    void badCablesAreRefusedSayingWhy() {
        add("km-a", "km-b", "km-c");
        substrate.cable(A0, B1);
        assertThatThrownBy(() -> substrate.cable(new PortRef("km-a", 0), new PortRef("km-c", 0)))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("km-a:0");
        assertThatThrownBy(() -> substrate.cable(new PortRef("km-a", 5), new PortRef("km-c", 0)))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("km-a");
        assertThatThrownBy(() -> substrate.cable(new PortRef("km-x", 0), new PortRef("km-c", 0)))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("km-x");
        assertThatThrownBy(() -> substrate.cut(new PortRef("km-a", 1), new PortRef("km-c", 0)))
                .isInstanceOf(SubstrateException.class);
    }

    @Test
    void powerGoesOnAndOffAndAPoweredMachineIsNotRemoved() {
        add("km-a", "km-b");
        powerOn("km-b");
        assertThat(powered("km-b")).isTrue();
        assertThatThrownBy(() -> substrate.removeMachine("km-b")).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("power");
        substrate.powerOff("km-b");
        assertThat(powered("km-b")).isFalse();
        substrate.removeMachine("km-b");
        assertThat(substrate.machines()).extracting(MachineStatus::name).containsExactly("km-a");
    }

    @Test
    void aCableBetweenPoweredMachinesCarriesALink() {
        add("km-a", "km-b");
        powerOn("km-a");
        powerOn("km-b");
        substrate.cable(A0, B1);
        assertThat(linkIsUp(substrate, A0)).isTrue();
        assertThat(linkIsUp(substrate, B1)).isTrue();
        substrate.cut(A0, B1);
        assertThat(linkIsUp(substrate, A0)).isFalse();
    }

    @Test
    void aShutdownMachineIsPoweredOffAndItsCablesStay() {
        add("km-a", "km-b");
        substrate.cable(A0, B1);
        powerOn("km-b");
        assertThat(powered("km-b")).isTrue();
        substrate.shutdown("km-b", Duration.ofSeconds(2));
        assertThat(powered("km-b")).isFalse();
        assertThat(substrate.topology().cables()).hasSize(1);
    }

    private boolean powered(String machine) {
        return substrate.machines().stream().filter(m -> m.name().equals(machine)).findFirst()
                .orElseThrow(() -> new AssertionError(machine + " is not listed")).powered();
    }

    @Test
    void unknownMachinesAreRefused() {
        assertThatThrownBy(() -> substrate.powerOn("km-nope")).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("km-nope");
        assertThatThrownBy(() -> substrate.console("km-nope", line -> { })).isInstanceOf(SubstrateException.class);
        assertThatThrownBy(() -> substrate.agent("km-nope")).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("km-nope");
    }

    @Test
    void closeLeavesNothingBehindAndMayBeCalledTwice() {
        add("km-a", "km-b");
        powerOn("km-b");
        substrate.cable(A0, B1);
        substrate.close();
        substrate.close();
        assertThat(leftovers(substrate)).isFalse();
    }
}
