package io.kubermesh.controlplane.etcd;

import io.kubermesh.spi.AllocationStore;
import io.kubermesh.testkit.AllocationStoreContract;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against a real etcd on loopback (Debian's etcd-server). */
class EtcdAllocationStoreIT extends AllocationStoreContract {
    @TempDir
    static Path dir;
    static EtcdMember etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = LocalEtcd.single(dir, "contract");
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.stop();
        }
    }

    @Override
    protected AllocationStore createStore() {
        // Every test gets its own key prefix, so tests share the member but not the data.
        return EtcdAllocationStore.connect(List.of(etcd.clientUrl()), "/kmcp-test/" + UUID.randomUUID() + "/");
    }

    @Override
    protected AllocationStore reopen(AllocationStore store) {
        return EtcdAllocationStore.connect(List.of(etcd.clientUrl()), ((EtcdAllocationStore) store).prefix());
    }
}
