package io.kubermesh.agent;

import io.kubermesh.controlplane.node.EtcdNodeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code etcd} component's state from what the etcd node reports on each status read:
 * {@code starting} while a new member has not yet answered healthy (failed after
 * {@link #START_GRACE}, with the last line of its log); {@code running} while it answers healthy;
 * a member that was healthy and stops answering keeps its state with an error line for
 * {@link #UNHEALTHY_GRACE} (an election, a restart), then fails; {@code off} when this node is no
 * member. Called from status reads, so synchronized.
 */
final class EtcdMemberHealth {
    /** How long a member that never answered healthy may take before it is a failure ({@code up} waits 60 s). */
    static final Duration START_GRACE = Duration.ofSeconds(45);
    /** How long a member that was healthy may be unhealthy (an election, a restart) before it counts as failed. */
    static final Duration UNHEALTHY_GRACE = Duration.ofSeconds(10);

    private final ComponentHealth health;
    private final Clock clock;
    /** Where the members' logs are: {@code DIR/MEMBER.log}. */
    private final Path logs;
    private boolean everHealthy;
    private Instant startingSince;
    private Instant unhealthySince;

    EtcdMemberHealth(ComponentHealth health, Clock clock, Path logs) {
        this.health = health;
        this.clock = clock;
        this.logs = logs;
    }

    /**
     * Updates the component from {@code member} (this node's member, if it runs one) and,
     * without one, {@code withoutMember} (why: "not a member ..." is off, anything else is starting).
     */
    synchronized void update(Optional<EtcdNodeStatus> member, String withoutMember) {
        if (member.isEmpty()) {
            if (withoutMember.startsWith("not a member")) {
                health.off(withoutMember);
            } else {
                health.starting(withoutMember);
            }
            return;
        }
        EtcdNodeStatus m = member.get();
        Instant now = clock.instant();
        String what = m.role() + (m.leader() ? ", leader" : "") + ", " + m.clientUrl();
        if (m.healthy()) {
            everHealthy = true;
            unhealthySince = null;
            health.running(what);
        } else if (everHealthy) {
            if (unhealthySince == null) {
                unhealthySince = now;
            }
            String error = "member " + m.member() + " does not answer healthy at " + m.clientUrl() + " since " + unhealthySince;
            if (Duration.between(unhealthySince, now).compareTo(UNHEALTHY_GRACE) > 0) {
                health.failed(error + "; check the other members with kubermesh status;" + lastLogLine(m.member()));
            } else {
                health.error(error);
            }
        } else {
            if (startingSince == null) {
                startingSince = now;
            }
            if (Duration.between(startingSince, now).compareTo(START_GRACE) > 0) {
                health.failed("member " + m.member() + " has not answered healthy at " + m.clientUrl()
                        + " within " + START_GRACE.toSeconds() + " s of its start;" + lastLogLine(m.member()));
            } else {
                health.starting(what);
            }
        }
    }

    /** " its log (FILE) ends: LINE", or where the log should be when it cannot be read. */
    private String lastLogLine(String member) {
        Path log = logs.resolve(member + ".log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) {
                    return " its log (" + log + ") ends: " + (l.length() > 200 ? l.substring(0, 200) + "..." : l);
                }
            }
            return " its log (" + log + ") is empty";
        } catch (IOException | RuntimeException e) {
            return " its log (" + log + ") cannot be read: " + e.getMessage();
        }
    }
}
