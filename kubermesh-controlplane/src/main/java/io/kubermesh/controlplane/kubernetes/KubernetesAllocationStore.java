package io.kubermesh.controlplane.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubermesh.api.AllocationException;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.AllocationStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An {@link AllocationStore} in Kubernetes: one ConfigMap per pool, {@code PREFIX-POOL} in a
 * namespace, holding the table as JSON under {@code entries} and a write counter under
 * {@code version}. A compare-and-set reads the ConfigMap, checks the counter, and replaces it
 * with the resourceVersion it read, so the apiserver refuses it (409 Conflict) if anyone wrote in
 * between; the first write is a create, refused if the ConfigMap exists. The counter, not the
 * resourceVersion, is the pool's version: resourceVersions are opaque strings to clients.
 */
public final class KubernetesAllocationStore implements AllocationStore {
    /** Label on every ConfigMap this store writes. */
    public static final String POOL_LABEL = "kubermesh.io/allocation-pool";
    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> TABLE = new TypeReference<>() { };
    private static final int CONFLICT = 409;

    private final KubernetesClient client;
    private final String namespace;
    private final String prefix;

    /**
     * @param namespace where the ConfigMaps live
     * @param prefix their name prefix (a DNS label part, like {@code kubermesh-ipam})
     */
    public KubernetesAllocationStore(KubernetesClient client, String namespace, String prefix) {
        if (prefix == null || !POOL.matcher(prefix).matches()) {
            throw new ConfigurationException("ConfigMap prefix", prefix, "lower-case letters, digits, '.' and '-'");
        }
        this.client = client;
        this.namespace = namespace;
        this.prefix = prefix;
    }

    public String namespace() {
        return namespace;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public Snapshot read(String pool) {
        ConfigMap cm = get(pool);
        if (cm == null) {
            return Snapshot.EMPTY;
        }
        return new Snapshot(version(cm), entries(cm));
    }

    @Override
    public boolean compareAndSet(String pool, long expectedVersion, Map<String, String> entries) {
        String name = name(pool);
        ConfigMap current = get(pool);
        if (current == null) {
            if (expectedVersion != 0) {
                return false;
            }
            try {
                client.configMaps().inNamespace(namespace).resource(build(name, pool, 1, entries, null)).create();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == CONFLICT) {
                    return false; // someone created it first
                }
                throw failure("create", name, e);
            }
        }
        long version = version(current);
        if (version != expectedVersion) {
            return false;
        }
        try {
            client.configMaps().inNamespace(namespace)
                    .resource(build(name, pool, version + 1, entries, current.getMetadata().getResourceVersion())).update();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                return false; // its resourceVersion moved on: another writer came first
            }
            throw failure("update", name, e);
        }
    }

    private ConfigMap build(String name, String pool, long version, Map<String, String> entries, String resourceVersion) {
        String json;
        try {
            json = JSON.writeValueAsString(new TreeMap<>(entries));
        } catch (JsonProcessingException e) {
            throw new AllocationException("cannot encode the table of pool " + pool + ": " + e.getMessage(), e);
        }
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withResourceVersion(resourceVersion).addToLabels(POOL_LABEL, pool).endMetadata()
                .addToData("version", Long.toString(version)).addToData("entries", json).build();
    }

    private ConfigMap get(String pool) {
        String name = name(pool);
        try {
            return client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw failure("read", name, e);
        }
    }

    private long version(ConfigMap cm) {
        String v = cm.getData() == null ? null : cm.getData().get("version");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new AllocationException("ConfigMap " + namespace + "/" + cm.getMetadata().getName()
                    + " has version '" + v + "', not a number: it was not written by kubermesh");
        }
    }

    private Map<String, String> entries(ConfigMap cm) {
        String json = cm.getData().get("entries");
        try {
            return json == null ? Map.of() : JSON.readValue(json, TABLE);
        } catch (JsonProcessingException e) {
            throw new AllocationException("ConfigMap " + namespace + "/" + cm.getMetadata().getName()
                    + " does not hold an allocation table: " + e.getOriginalMessage(), e);
        }
    }

    private String name(String pool) {
        if (pool == null || !POOL.matcher(pool).matches()) {
            throw new ConfigurationException("pool", pool, "a pool name of lower-case letters, digits, '.' and '-'");
        }
        return prefix + "-" + pool;
    }

    private AllocationException failure(String what, String name, KubernetesClientException e) {
        return new AllocationException("cannot " + what + " ConfigMap " + namespace + "/" + name + ": " + e.getMessage(), e);
    }
}
