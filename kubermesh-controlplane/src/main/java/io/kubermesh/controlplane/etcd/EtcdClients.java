package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * jetcd clients for etcd client URLs, IPv6 literals included. jetcd's own
 * {@code endpoints(URI...)} writes {@code ip:///[::1]:2379}, which gRPC cannot parse (brackets
 * are not allowed in a URI path); its resolver reads the decoded path, so the brackets are
 * percent-encoded here and arrive intact.
 */
public final class EtcdClients {
    /**
     * Vert.x (under jetcd) makes a {@code /tmp/vertx-cache-<uuid>} directory for every instance
     * to unpack class-path files into, and removes it only when the instance is closed: every
     * agent killed in a lab and every test JVM left one behind (thousands on a CI machine).
     * Nothing here serves files from the class path through Vert.x, so it is switched off before
     * any Vert.x class is loaded (unless the JVM was told otherwise).
     */
    static final String VERTX_CLASS_PATH_RESOLVING = "vertx.disableFileCPResolving";

    static {
        if (System.getProperty(VERTX_CLASS_PATH_RESOLVING) == null) {
            System.setProperty(VERTX_CLASS_PATH_RESOLVING, "true");
        }
    }

    private EtcdClients() {
    }

    /** A builder aimed at {@code endpoints} ({@code http://host:port}, host a name, IPv4 or [IPv6]). */
    public static ClientBuilder builder(List<URI> endpoints) {
        return Client.builder().target(target(endpoints));
    }

    /** A plain-HTTP client on {@code endpoints} (members without TLS: tests of the membership logic). */
    public static Client connect(List<URI> endpoints) {
        return builder(endpoints).build();
    }

    /**
     * A TLS client on {@code endpoints} that presents {@code credentials} (etcd takes the
     * certificate's CN as the user) and trusts only the cluster CA. Every member's certificate
     * names {@link Identity#ETCD_SERVER_NAME}, so the same check holds whether the endpoint is
     * the anycast address, a member's host address or loopback.
     */
    public static Client connect(List<URI> endpoints, NodeCredentials credentials) {
        try {
            return builder(endpoints).authority(Identity.ETCD_SERVER_NAME)
                    .sslContext(b -> b.trustManager(credentials.ca()).keyManager(credentials.key(), credentials.certificate()))
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new KubermeshException("cannot set up TLS for etcd with " + credentials + ": " + e.getMessage(), e);
        }
    }

    /** The gRPC target jetcd's {@code ip} resolver reads: {@code ip:///host:port,host:port}. */
    public static String target(List<URI> endpoints) {
        if (endpoints.isEmpty()) {
            throw new ConfigurationException("etcd endpoints", "[]", "at least one client URL like http://[::1]:2379");
        }
        return "ip:///" + endpoints.stream().map(u -> {
            if (u.getHost() == null || u.getPort() < 0) {
                throw new ConfigurationException("etcd endpoint", u.toString(), "a client URL with host and port, like http://[::1]:2379");
            }
            return u.getHost().replace("[", "%5B").replace("]", "%5D") + ":" + u.getPort();
        }).distinct().collect(Collectors.joining(","));
    }

    /**
     * Waits for a jetcd call at most {@code timeout}; a failure, a timeout (the call is then
     * cancelled) or an interruption becomes a {@link KubermeshException} saying what could not
     * be done ({@code what}: "write the record of m1", ...).
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KubermeshException("etcd could not " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new KubermeshException("etcd did not " + what + " within " + timeout);
        }
    }
}
