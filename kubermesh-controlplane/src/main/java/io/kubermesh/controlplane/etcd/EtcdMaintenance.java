package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.options.CompactOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps etcd taking writes. Members compact their history themselves (periodic
 * auto-compaction, {@link EtcdMember.Spec#COMPACTION_RETENTION}), but compaction frees pages
 * inside the backend file without shrinking it, and a backend past its quota raises the NOSPACE
 * alarm, after which every member refuses writes. The leading member's agent then reclaims:
 * compacts to the current revision, defragments every member (which rewrites its file without
 * the free pages) and disarms the alarm. Needs a root client (a member's certificate).
 */
public final class EtcdMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdMaintenance.class);

    private final Client client;
    private final Duration timeout;

    public EtcdMaintenance(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** True while some member has raised NOSPACE. */
    public boolean outOfSpace() {
        return alarms().stream().anyMatch(a -> a.getAlarmType() == AlarmType.NOSPACE);
    }

    private List<AlarmMember> alarms() {
        return EtcdClients.await(client.getMaintenanceClient().listAlarms(), timeout, "list alarms").getAlarms();
    }

    /**
     * If a member raised NOSPACE: compact, defragment {@code members} (their client URLs), disarm.
     * Returns true if it reclaimed.
     */
    public boolean reclaimIfOutOfSpace(List<URI> members) {
        List<AlarmMember> alarms = alarms();
        if (alarms.stream().noneMatch(a -> a.getAlarmType() == AlarmType.NOSPACE)) {
            return false;
        }
        long revision = EtcdClients.await(client.getKVClient().get(ByteSequence.from("/kubermesh/", StandardCharsets.UTF_8)),
                timeout, "read the revision").getHeader().getRevision();
        try {
            EtcdClients.await(client.getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build()),
                    timeout, "compact to revision " + revision);
        } catch (io.kubermesh.api.KubermeshException e) {
            // "required revision has been compacted": auto-compaction got there first.
            LOG.debug("etcd: compaction: {}", e.getMessage());
        }
        for (URI m : members) {
            EtcdClients.await(client.getMaintenanceClient().defragmentMember(EtcdClients.target(List.of(m))),
                    timeout.multipliedBy(10), "defragment " + m);
        }
        for (AlarmMember a : alarms) {
            EtcdClients.await(client.getMaintenanceClient().alarmDisarm(a), timeout, "disarm " + a.getAlarmType());
        }
        LOG.warn("etcd: backend quota reached (NOSPACE); compacted to revision {}, defragmented {} member(s), alarm disarmed",
                revision, members.size());
        return true;
    }
}
