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

    /** Boots {@code mac} on {@code port}, expects the installer, returns its boot secret. */
    private static String install(MachineService s, MacAddress mac, String port) {
        MachineService.Decision d = s.boot(facts(mac), port);
        assertThat(d).isInstanceOf(MachineService.Decision.Install.class);
        return ((MachineService.Decision.Install) d).bootSecret();
    }

    private static int status(MachineService.Access<?> a) {
        return a instanceof MachineService.Access.Denied<?> d ? d.httpStatus() : 200;
    }

    private static int status(MachineService.Decision d) {
        return d instanceof MachineService.Decision.Refused r ? r.httpStatus() : 200;
    }

    @Test
    void lifecycleInstallsOnceThenBootsFromDisk() {
        MachineService s = service();
        String first = install(s, A, "cluster0");
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
        String secret = install(s, A, "cluster0");
        assertThat(secret).as("a fresh secret per boot").isNotEqualTo(first).hasSize(64);
        assertThat(status(s.phoneHome(A, "cluster0", first, MachineState.INSTALLED))).as("the last boot's secret only")
                .isEqualTo(403);
        assertThat(s.phoneHome(A, "cluster0", secret, MachineState.INSTALLED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(s.phoneHome(A, "cluster0", secret, MachineState.JOINED)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(status(s.phoneHome(A, "cluster0", secret, MachineState.INSTALLING))).isEqualTo(409);
    }

    @Test
    void stateSurvivesARestart() {
        String secret = install(service(), A, "cluster0");
        service().phoneHome(A, "cluster0", secret, MachineState.INSTALLED);
        assertThat(service().boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(service().store().all()).extracting(Machine::mac).containsExactly(A);
    }

    @Test
    void ignitionOnlyForItsOwnMacOnItsOwnPortWithItsBootSecret() throws Exception {
        MachineService s = service();
        String secretA = install(s, A, "cluster0");
        String secretB = install(s, B, "cluster1");
        String token = s.store().secrets(A).joinToken();
        MachineService.Access<String> own = s.ignition(A, "cluster0", secretA, "http://[2001:db8::20]:8080");
        assertThat(own).isInstanceOf(MachineService.Access.Granted.class);
        String json = ((MachineService.Access.Granted<String>) own).value();
        JsonNode n = new ObjectMapper().readTree(json);
        assertThat(n.at("/ignition/version").asText()).isEqualTo("3.4.0");
        assertThat(n.at("/passwd/users/0/sshAuthorizedKeys/0").asText()).isEqualTo("ssh-ed25519 AAAAC3 test");
        assertThat(n.at("/systemd/units/0/name").asText()).isEqualTo("kubermesh-agent.service");
        assertThat(json).contains(token).contains("phone-home%3Fsecret%3D" + secretA);
        assertThat(json).doesNotContain(s.store().secrets(B).joinToken());

        assertThat(status(s.ignition(A, "cluster1", secretA, "x"))).as("right MAC, wrong port").isEqualTo(403);
        assertThat(status(s.ignition(A, "", secretA, "x"))).as("from none of this node's ports").isEqualTo(403);
        assertThat(status(s.ignition(A, "cluster0", secretB, "x"))).as("another machine's secret").isEqualTo(403);
        assertThat(status(s.ignition(A, "cluster0", "", "x"))).as("no secret").isEqualTo(403);
        assertThat(status(s.ignition(MacAddress.parse("52:54:00:00:00:0c"), "cluster0", secretA, "x"))).isEqualTo(404);
        assertThat(status(s.phoneHome(A, "cluster1", secretA, MachineState.INSTALLED))).isEqualTo(403);
        assertThat(status(s.phoneHome(A, "cluster0", "", MachineState.INSTALLED))).isEqualTo(403);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
        s.phoneHome(A, "cluster0", secretA, MachineState.INSTALLED);
        assertThat(status(s.ignition(A, "cluster0", secretA, "x"))).as("served while installing only").isEqualTo(409);
    }

    @Test
    void anotherPortCannotChangeARecord() {
        MachineService s = service();
        install(s, A, "cluster0");
        Machine before = s.store().get(A).orElseThrow();
        MachineService.Decision d = s.boot(new MachineService.Facts(A, "forged", "arm64", "forged"), "cluster1");
        assertThat(status(d)).isEqualTo(409);
        assertThat(s.store().get(A).orElseThrow()).isEqualTo(before);
        assertThat(status(s.boot(facts(A), ""))).as("from none of this node's ports").isEqualTo(403);
        assertThat(s.store().get(A).orElseThrow()).isEqualTo(before);
    }

    @Test
    void installedCannotBeTakenBackButByTheOperator() {
        MachineService s = service();
        String secret = install(s, A, "cluster0");
        s.phoneHome(A, "cluster0", secret, MachineState.INSTALLED);
        assertThat(s.boot(facts(A), "cluster1")).as("boots its disk elsewhere").isInstanceOf(MachineService.Decision.BootDisk.class);
        assertThat(s.store().get(A).orElseThrow().port()).as("but the record stays").isEqualTo("cluster0");
        assertThat(status(s.phoneHome(A, "cluster0", secret, MachineState.DISCOVERED))).isEqualTo(409);
        assertThat(s.reset(A)).isInstanceOf(MachineService.Access.Granted.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.DISCOVERED);
        install(s, A, "cluster1");
        assertThat(s.store().get(A).orElseThrow().port()).as("claimed by the port it booted on").isEqualTo("cluster1");
        assertThat(status(s.reset(B))).isEqualTo(404);
    }

    /** An enrolment with one verdict for everyone and one credential file. */
    private MachineService enrolled(Enrolment.Verdict verdict) {
        Enrolment e = new Enrolment() {
            @Override
            public Verdict verdict(MacAddress mac) {
                return verdict;
            }

            @Override
            public List<Ignition.File> credentials(MacAddress mac) {
                if (verdict != Verdict.ADMITTED) {
                    throw new AssertionError("credentials asked for a machine that is " + verdict);
                }
                return List.of(new Ignition.File("/etc/kubermesh/pki/node.key", 0644, "KEY-OF-" + mac));
            }
        };
        Profile p = new Profile("debian", "vmlinuz", List.of("initrd.gz"), List.of(), Ignition.EMPTY);
        return new MachineService(new MachineStore(state), new ProfileCatalog(List.of(new Group("all", "debian", Map.of())),
                List.of(p)), Clock.systemUTC(), MachineDirectory.NONE, e, "52:54:00:00:00:01");
    }

    @Test
    void admittedMachineGetsItsCredentialsMode0600() throws Exception {
        MachineService s = enrolled(Enrolment.Verdict.ADMITTED);
        String secret = install(s, A, "cluster0");
        String json = ((MachineService.Access.Granted<String>) s.ignition(A, "cluster0", secret, "http://x")).value();
        JsonNode key = null;
        for (JsonNode f : new ObjectMapper().readTree(json).at("/storage/files")) {
            if (f.path("path").asText().equals("/etc/kubermesh/pki/node.key")) {
                key = f;
            }
        }
        assertThat(key).isNotNull();
        assertThat(key.path("mode").asInt()).isEqualTo(0600);
        assertThat(key.at("/contents/source").asText()).contains("KEY-OF-52%3A54%3A00%3A00%3A00%3A0a");
        assertThat(s.store().get(A).orElseThrow().node()).isEqualTo("52:54:00:00:00:01");
    }

    @Test
    void pendingMachineIsDiscoveredAndWaitsWithNothingServed() {
        MachineService s = enrolled(Enrolment.Verdict.PENDING);
        assertThat(s.boot(facts(A), "cluster0")).isInstanceOf(MachineService.Decision.Pending.class);
        assertThat(s.store().get(A).orElseThrow().state()).isEqualTo(MachineState.DISCOVERED);
        assertThat(s.store().bootSecret(A)).as("no boot secret handed out").isEmpty();
        assertThat(status(s.ignition(A, "cluster0", "", "x"))).isEqualTo(403);
    }

    @Test
    void deniedMachineGetsNothingAndLeavesNoRecord() {
        MachineService s = enrolled(Enrolment.Verdict.DENIED);
        assertThat(status(s.boot(facts(A), "cluster0"))).isEqualTo(403);
        assertThat(s.store().get(A)).isEmpty();
        assertThat(status(s.ignition(A, "cluster0", "", "x"))).isEqualTo(404);
    }

    @Test
    void secretsAreStoredApartAndPrivate() throws Exception {
        MachineService s = service();
        String secret = install(s, A, "cluster0");
        String token = s.store().secrets(A).joinToken();
        assertThat(token).hasSize(64);
        assertThat(Files.readString(state.resolve("machines/52-54-00-00-00-0a.json"))).doesNotContain(token)
                .doesNotContain(secret);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("secrets/52-54-00-00-00-0a.json")))).isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("secrets/52-54-00-00-00-0a.boot")))).isEqualTo("rw-------");
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
