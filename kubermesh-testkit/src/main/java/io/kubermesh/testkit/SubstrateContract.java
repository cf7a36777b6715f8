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
 * libvirt, baremetal) subclasses this and runs the same suite. Machines here are added blank and
 * not netbooted ({@code netboot=false}) and nothing is deployed on them, so the suite needs no
 * boot services: it checks machines, cables, power and teardown. Every hook must answer: one that
 * cannot (a provider that cannot see a link from outside) fails the suite rather than passing it.
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
        substrate.addMachine(machine("km-a", 2, 1));
        List<MachineStatus> machines = substrate.machines();
        assertThat(machines).hasSize(1);
        assertThat(machines.get(0).name()).isEqualTo("km-a");
        assertThat(machines.get(0).powered()).isFalse();
        assertThat(machines.get(0).nics()).hasSize(2);
        assertThat(substrate.topology().machine("km-a").orElseThrow().ports()).isEqualTo(2);
    }

    @Test
    void aMachineNameIsUnique() {
        substrate.addMachine(machine("km-a", 1, 1));
        assertThatThrownBy(() -> substrate.addMachine(machine("km-a", 1, 2))).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("km-a");
    }

    @Test
    void cablesAreListedAndCut() {
        substrate.addMachine(machine("km-a", 2, 1));
        substrate.addMachine(machine("km-b", 2, 2));
        PortRef a0 = new PortRef("km-a", 0);
        PortRef b1 = new PortRef("km-b", 1);
        substrate.cable(a0, b1);
        assertThat(substrate.topology().cables()).containsExactly(new Cable(a0, b1));
        substrate.cut(a0, b1);
        assertThat(substrate.topology().cables()).isEmpty();
        substrate.cable(b1, a0);
        assertThat(substrate.topology().cables()).hasSize(1);
    }

    @Test
    void badCablesAreRefusedSayingWhy() {
        substrate.addMachine(machine("km-a", 2, 1));
        substrate.addMachine(machine("km-b", 1, 2));
        substrate.addMachine(machine("km-c", 1, 3));
        substrate.cable(new PortRef("km-a", 0), new PortRef("km-b", 0));
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
        substrate.addMachine(machine("km-a", 1, 1));
        substrate.powerOn("km-a");
        assertThat(substrate.machines().get(0).powered()).isTrue();
        assertThatThrownBy(() -> substrate.removeMachine("km-a")).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("power");
        substrate.powerOff("km-a");
        assertThat(substrate.machines().get(0).powered()).isFalse();
        substrate.removeMachine("km-a");
        assertThat(substrate.machines()).isEmpty();
    }

    @Test
    void aCableBetweenPoweredMachinesCarriesALink() {
        substrate.addMachine(machine("km-a", 1, 1));
        substrate.addMachine(machine("km-b", 1, 2));
        substrate.powerOn("km-a");
        substrate.powerOn("km-b");
        PortRef a = new PortRef("km-a", 0);
        PortRef b = new PortRef("km-b", 0);
        substrate.cable(a, b);
        assertThat(linkIsUp(substrate, a)).isTrue();
        assertThat(linkIsUp(substrate, b)).isTrue();
        substrate.cut(a, b);
        assertThat(linkIsUp(substrate, a)).isFalse();
    }

    @Test
    void aShutdownMachineIsPoweredOffAndItsCablesStay() {
        substrate.addMachine(machine("km-a", 1, 1));
        substrate.addMachine(machine("km-b", 1, 2));
        substrate.cable(new PortRef("km-a", 0), new PortRef("km-b", 0));
        substrate.powerOn("km-a");
        substrate.shutdown("km-a", Duration.ofSeconds(2));
        assertThat(substrate.machines()).filteredOn(m -> m.name().equals("km-a")).singleElement()
                .satisfies(m -> assertThat(m.powered()).isFalse());
        assertThat(substrate.topology().cables()).hasSize(1);
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
        substrate.addMachine(machine("km-a", 2, 1));
        substrate.addMachine(machine("km-b", 2, 2));
        substrate.powerOn("km-a");
        substrate.cable(new PortRef("km-a", 0), new PortRef("km-b", 0));
        substrate.close();
        substrate.close();
        assertThat(leftovers(substrate)).isFalse();
    }
}
