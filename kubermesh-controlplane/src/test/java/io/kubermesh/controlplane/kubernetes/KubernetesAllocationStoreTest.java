package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubermesh.spi.AllocationStore;
import io.kubermesh.testkit.AllocationStoreContract;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract against fabric8's mock apiserver in CRUD mode (no real apiserver runs here). */
class KubernetesAllocationStoreTest extends AllocationStoreContract {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @BeforeAll
    static void startServer() {
        server = CrudApiserver.start();
        client = server.createClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.destroy();
    }

    @Override
    protected AllocationStore createStore() {
        return new KubernetesAllocationStore(client, "kubermesh-system", "t" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    protected AllocationStore reopen(AllocationStore store) {
        KubernetesAllocationStore k = (KubernetesAllocationStore) store;
        return new KubernetesAllocationStore(server.createClient(), k.namespace(), k.prefix());
    }

    @Override
    protected int writers() {
        return 4;
    }

    @Test
    void aPoolIsOneLabelledConfigMapWithItsCounterAndJsonTable() {
        KubernetesAllocationStore store = new KubernetesAllocationStore(client, "kubermesh-system", "ipam");
        assertThat(store.compareAndSet("ipv4-nodes", 0, Map.of("52:54:00:00:00:01", "172.30.2.1/32"))).isTrue();
        ConfigMap cm = client.configMaps().inNamespace("kubermesh-system").withName("ipam-ipv4-nodes").get();
        assertThat(cm.getMetadata().getLabels()).containsEntry(KubernetesAllocationStore.POOL_LABEL, "ipv4-nodes");
        assertThat(cm.getData()).containsEntry("version", "1")
                .containsEntry("entries", "{\"52:54:00:00:00:01\":\"172.30.2.1/32\"}");
    }
}
