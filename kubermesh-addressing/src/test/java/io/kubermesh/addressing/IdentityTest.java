package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.identity.IdentityChoice;
import io.kubermesh.addressing.identity.IdentityStore;
import io.kubermesh.addressing.identity.InterfaceMac;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
    private static InterfaceMac nic(String name, String mac) {
        return new InterfaceMac(name, MacAddress.parse(mac));
    }

    @Test
    void theLowestUniversalMacWinsWithEthFirst() {
        var chosen = IdentityChoice.pick(List.of(
                nic("enp3s0", "00:11:22:33:44:01"),
                nic("eth1", "00:11:22:33:44:09"),
                nic("eth0", "00:11:22:33:44:05"),
                nic("usb0", "02:00:00:00:00:01")));
        assertThat(chosen.orElseThrow().name()).isEqualTo("eth0");
    }

    @Test
    void withoutEthTheLowestUniversalMacWins() {
        var chosen = IdentityChoice.pick(List.of(nic("enp3s0", "00:11:22:33:44:09"), nic("enp4s0", "00:11:22:33:44:01"),
                nic("veth0", "02:00:00:00:00:00")));
        assertThat(chosen.orElseThrow().name()).isEqualTo("enp4s0");
    }

    @Test
    void locallyAdministeredOnlyWhenThereIsNoUniversalMac() {
        var chosen = IdentityChoice.pick(List.of(nic("veth1", "0a:00:00:00:00:01"), nic("veth0", "06:00:00:00:00:05"),
                nic("eth0", "0e:00:00:00:00:09")));
        assertThat(chosen.orElseThrow().name()).isEqualTo("eth0");
    }

    @Test
    void groupAndZeroMacsNeverNameANode() {
        assertThat(IdentityChoice.pick(List.of(nic("eth0", "01:00:5e:00:00:01"), nic("lo", "00:00:00:00:00:00")))).isEmpty();
        assertThatThrownBy(() -> IdentityChoice.choose(List.of(nic("lo", "00:00:00:00:00:00")), Instant.EPOCH, Optional.empty()))
                .hasMessageContaining("unicast");
    }

    @Test
    void theIdentityIsChosenOnceAndANewNicNeverRenumbers(@TempDir Path dir) {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);
        IdentityStore store = new IdentityStore(dir, clock);
        NodeIdentity first = store.loadOrChoose(() -> List.of(nic("eth0", "00:11:22:33:44:55")),
                Optional.of(MacAddress.parse("00:11:22:33:44:55")));
        // A USB NIC with a lower MAC appears later: the identity stays.
        NodeIdentity again = new IdentityStore(dir, clock).loadOrChoose(
                () -> List.of(nic("eth0", "00:11:22:33:44:55"), nic("eth1", "00:00:00:00:00:01")), Optional.empty());
        assertThat(again).isEqualTo(first);
        assertThat(again.netbootMac()).contains(MacAddress.parse("00:11:22:33:44:55"));
    }

    @Test
    void aDamagedIdentityFileIsAnErrorNotASilentRenumbering(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(IdentityStore.FILE), "{\"mac\": \"zz\"");
        IdentityStore store = new IdentityStore(dir, Clock.systemUTC());
        assertThatThrownBy(() -> store.loadOrChoose(() -> List.of(nic("eth0", "00:11:22:33:44:55")), Optional.empty()))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("never re-chosen silently");
    }
}
