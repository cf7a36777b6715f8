package io.kubermesh.boot.machine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MachineServiceTest {
    static final MacAddress A = MacAddress.parse("52:54:00:00:00:0a");
    static final MacAddress B = MacAddress.parse("52:54:00:00:00:0b");

    @TempDir
    Path state;

    private MachineService service() {
        Profile p = new Profile("debian", "vmlinuz", List.of("initrd.gz"), List.of(), new Ignition(
                List.of(new Ignition.File("/etc/motd", 0644, "hello\n")),
                List.of(new Ignition.Unit("kubermesh-agent.service", true, "[Unit]\nDescription=agent\n")),
                List.of(new Ignition.User("core", List.of("ssh-ed25519 AAAAC3 test")))));
        return new MachineService(new MachineStore(state),
                new ProfileCatalog(List.of(new Group("all", "debian", Map.of())), List.of(p)), Clock.systemUTC());
    }

    private static MachineService.Facts facts(MacAddress mac) {
        return new MachineService.Facts(mac, "uuid-" + mac, "x86_64", "SER");
    }

    @Test
    void lifecycleInstallsOnceThenBootsFromDisk() {
        MachineService s = service();
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.Install.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
        assertThat(s.boot(facts(A), "cluster0")).as("an unfinished install may be retried")
                .isInstanceOf(MachineService.Decision.Install.class);
        assertThat(s.phoneHome(A, "cluster0", MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(s.phoneHome(A, "cluster0", MachineState.JOINED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        MachineService.Access<Machine> back = s.phoneHome(A, "cluster0", MachineState.INSTALLING);
        assertThat(back).isInstanceOf(MachineService.Access.Denied.class);
        assertThat(((MachineService.Access.Denied<Machine>) back).httpStatus()).isEqualTo(409);
    }

    @Test
    void stateSurvivesARestart() {
        service().boot(facts(A), "cluster0");
        service().phoneHome(A, "cluster0", MachineState.INSTALLED);
        assertThat(service().boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(service().store().all()).extracting(Machine::mac).containsExactly(A);
    }

    @Test
    void ignitionOnlyForItsOwnMacOnItsOwnPort() throws Exception {
        MachineService s = service();
        s.boot(facts(A), "cluster0");
        s.boot(facts(B), "cluster1");
        String token = s.store().secrets(A).joinToken();
        MachineService.Access<String> own = s.ignition(A, "cluster0");
        assertThat(own).isInstanceOf(MachineService.Access.Granted.class);
        String json = ((MachineService.Access.Granted<String>) own).value();
        JsonNode n = new ObjectMapper().readTree(json);
        assertThat(n.at("/ignition/version").asText()).isEqualTo("3.4.0");
        assertThat(n.at("/passwd/users/0/sshAuthorizedKeys/0").asText()).isEqualTo("ssh-ed25519 AAAAC3 test");
        assertThat(n.at("/systemd/units/0/name").asText()).isEqualTo("kubermesh-agent.service");
        assertThat(json).contains(token);
        assertThat(json).doesNotContain(s.store().secrets(B).joinToken());

        assertThat(s.ignition(A, "cluster1")).as("right MAC, wrong port").isInstanceOf(MachineService.Access.Denied.class);
        assertThat(((MachineService.Access.Denied<String>) s.ignition(A, "cluster1")).httpStatus()).isEqualTo(403);
        assertThat(s.ignition(MacAddress.parse("52:54:00:00:00:0c"), "cluster0")).isInstanceOf(MachineService.Access.Denied.class);
        assertThat(s.phoneHome(A, "cluster1", MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Denied.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
    }

    @Test
    void secretsAreStoredApartAndPrivate() throws Exception {
        MachineService s = service();
        s.boot(facts(A), "cluster0");
        String token = s.store().secrets(A).joinToken();
        assertThat(token).hasSize(64);
        assertThat(Files.readString(state.resolve("machines/52-54-00-00-00-0a.json"))).doesNotContain(token);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("secrets/52-54-00-00-00-0a.json")))).isEqualTo("rw-------");
        assertThat(s.store().secrets(A).joinToken()).as("stable").isEqualTo(token);
        assertThat(s.store().secrets(A).toString()).doesNotContain(token);
    }

    @Test
    void noProfileWhenNoGroupMatches() {
        MachineService s = new MachineService(new MachineStore(state), new ProfileCatalog(List.of(), List.of()), Clock.systemUTC());
        MachineService.Decision d = s.boot(facts(A), "cluster0");
        assertThat(d).isInstanceOf(MachineService.Decision.NoProfile.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.DISCOVERED);
    }
}
