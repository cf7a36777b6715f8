package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A component's status answers while the component is busy: its lock held, as it is while the
 * routing daemon starts or takes a new port (vtysh), while the boot services start on a new port,
 * or while the control plane starts. Under a busy machine (a VM under TCG) those take tens of
 * seconds, and a status that waited for them made a joined machine look unreachable to whoever
 * asked through a relay (found in BaremetalNodeOsIT). Each case holds the component's lock on
 * another thread for as long as the status is asked; a status that takes the lock never answers.
 */
class StatusWhileBusyTest {
    private static final ClusterSpec SEED = ClusterConfig.seed();
    private static final AgentSettings SETTINGS = new AgentSettings("n", Path.of("/nonexistent/kmbusy"), "kmstub0");
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void release() {
        release.countDown();
        threads.shutdownNow();
    }

    private static NodeStatus base() {
        return new NodeStatus("n", "running", "", "", "", "", "", List.of(), List.of(), "", "", null, null);
    }

    /** Holds {@code component}'s monitor on another thread until the test ends; returns once it is held. */
    private void busy(Object component) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        threads.submit(() -> {
            synchronized (component) {
                held.countDown();
                release.await();
            }
            return null;
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the busy thread holds the component's lock").isTrue();
    }

    /** The component's contribution, asked on another thread; fails when it does not come while the lock is held. */
    private NodeStatus contribution(StatusContributor c) throws Exception {
        CompletableFuture<NodeStatus> f = CompletableFuture.supplyAsync(() -> c.contribute(base()), threads);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(c.getClass().getSimpleName() + "'s status waited for the component's lock", e);
        }
    }

    @Test
    void routingAnswersWhileTheDaemonStartsOrIsReconfigured() throws Exception {
        RoutingPorts routing = new RoutingPorts(SEED, SETTINGS);
        busy(routing);
        assertThat(contribution(routing).components()).extracting(ComponentStatus::name).contains("routing", "routing/key");
        CompletableFuture<Boolean> daemon = CompletableFuture.supplyAsync(() -> routing.daemon().isEmpty(), threads);
        assertThat(daemon.get(10, TimeUnit.SECONDS)).as("no daemon yet, read without waiting").isTrue();
    }

    @Test
    void bootServicesAnswerWhileAPortIsSetUp() throws Exception {
        BootPorts boot = new BootPorts(SEED, SETTINGS, "cluster: {}", null);
        busy(boot);
        assertThat(contribution(boot).components()).extracting(ComponentStatus::name).contains("boot/http");
    }

    @Test
    void theControlPlaneAnswersWhileItStarts() throws Exception {
        ControlPlanePorts control = new ControlPlanePorts(new AddressPlan(SEED), SETTINGS, false, Clock.systemUTC());
        busy(control);
        assertThat(contribution(control).components()).isNotEmpty();
        CompletableFuture<Boolean> member = CompletableFuture.supplyAsync(() -> control.runsMember() || control.memberIsVoter(), threads);
        assertThat(member.get(10, TimeUnit.SECONDS)).as("no member yet, read without waiting").isFalse();
    }
}
