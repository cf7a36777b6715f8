package io.kubermesh.controlplane.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Certificate signing requests forwarded over etcd, so that any node can obtain a certificate
 * signed by the cluster CA, whose key only etcd members hold. A node puts a PKCS#10 request under
 * {@code /kubermesh/pki/requests/KIND/NAME/NONCE}; the leading member checks it against the
 * cluster's policy, signs it, answers under {@code /kubermesh/pki/issued/KIND/NAME/NONCE} (kept
 * five minutes) and removes the request. The private key never leaves the node that made the
 * request; the nonce pairs each answer with the one request (and key) it was made for.
 *
 * <p>Kinds: {@code node} (NAME is the MAC of a netbooting machine; its neighbour asks while it
 * renders the machine's Ignition config) and {@code member} (NAME is a node joining etcd, which
 * needs a certificate that serves etcd at its host address).
 */
public final class CertificateRequests {
    /** What a certificate is for. */
    public enum Kind {
        NODE, MEMBER;

        String segment() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A request waiting for the signer.
     *
     * @param peerUrl for a member: the peer URL it will serve at (its host address)
     */
    public record Pending(Kind kind, String name, String nonce, String requestPem, String peerUrl) {
        String path() {
            return kind.segment() + "/" + name + "/" + nonce;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an answer stays for its requester to pick up. */
    static final long ANSWER_TTL_SECONDS = 300;

    private final Client client;
    private final Duration timeout;

    public CertificateRequests(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** Puts a request; returns it as the signer will see it. */
    public Pending submit(Kind kind, String name, String nonce, String requestPem, String peerUrl) {
        Pending p = new Pending(kind, name, nonce, requestPem, peerUrl == null ? "" : peerUrl);
        String value = JSON.createObjectNode().put("csr", requestPem).put("peerUrl", p.peerUrl()).toString();
        call(client.getKVClient().put(bytes(EtcdAccess.REQUESTS_PREFIX + p.path()), bytes(value)), "put a certificate request");
        return p;
    }

    /** The answer to {@code p}, once the signer gave it. */
    public Optional<String> issued(Pending p) {
        var r = call(client.getKVClient().get(bytes(EtcdAccess.ISSUED_PREFIX + p.path())), "read an issued certificate");
        return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    /** Waits up to {@code wait} for the answer to {@code p}. */
    public Optional<String> await(Pending p, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<String> c = issued(p);
            if (c.isPresent() || System.nanoTime() > deadline) {
                return c;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Every request waiting (the signer's view). */
    public List<Pending> pending() {
        ByteSequence prefix = bytes(EtcdAccess.REQUESTS_PREFIX);
        var r = call(client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()), "list certificate requests");
        List<Pending> out = new ArrayList<>();
        for (KeyValue kv : r.getKvs()) {
            String path = kv.getKey().toString(StandardCharsets.UTF_8).substring(EtcdAccess.REQUESTS_PREFIX.length());
            String[] f = path.split("/");
            if (f.length != 3) {
                continue;
            }
            try {
                Kind kind = Kind.valueOf(f[0].toUpperCase(Locale.ROOT));
                JsonNode v = JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8));
                out.add(new Pending(kind, f[1], f[2], v.path("csr").asText(), v.path("peerUrl").asText()));
            } catch (IllegalArgumentException | IOException e) {
                // A malformed request is dropped below.
                call(client.getKVClient().delete(kv.getKey()), "drop a malformed certificate request");
            }
        }
        return out;
    }

    /** Answers {@code p} with {@code certificatePem} and removes the request. */
    public void answer(Pending p, String certificatePem) {
        long lease = call(client.getLeaseClient().grant(ANSWER_TTL_SECONDS), "grant a lease").getID();
        call(client.getKVClient().put(bytes(EtcdAccess.ISSUED_PREFIX + p.path()), bytes(certificatePem),
                PutOption.builder().withLeaseId(lease).build()), "answer a certificate request");
        reject(p);
    }

    /** Removes {@code p} unanswered. */
    public void reject(Pending p) {
        call(client.getKVClient().delete(bytes(EtcdAccess.REQUESTS_PREFIX + p.path())), "remove a certificate request");
    }

    private <T> T call(CompletableFuture<T> f, String what) {
        try {
            return EtcdClients.await(f, timeout, what);
        } catch (KubermeshException e) {
            throw e;
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
