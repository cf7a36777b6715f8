package io.kubermesh.api;

import java.util.List;

/** How an anycast service's health is judged on a node. */
public sealed interface HealthCheck {
    /** Healthy when a TCP connection to the service port on the node's host address succeeds. */
    record Tcp() implements HealthCheck {
    }

    /** Healthy when an HTTP GET of {@code path} on the service port answers 2xx. */
    record Http(String path) implements HealthCheck {
        public Http {
            if (path == null || !path.startsWith("/")) {
                throw new ConfigurationException("check.http", path, "an absolute request path like /health");
            }
        }
    }

    /**
     * Healthy when an HTTPS GET of {@code path} on the service port answers 2xx, the node
     * presenting its own certificate of the cluster CA and trusting only that CA: a service
     * that requires client certificates (etcd) is checked as its clients reach it.
     */
    record Https(String path) implements HealthCheck {
        public Https {
            if (path == null || !path.startsWith("/")) {
                throw new ConfigurationException("check.https", path, "an absolute request path like /health");
            }
        }
    }

    /** Healthy when the command exits 0. */
    record Command(List<String> argv) implements HealthCheck {
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty() || argv.get(0).isBlank()) {
                throw new ConfigurationException("check.command", argv.toString(), "a non-empty command line");
            }
        }
    }
}
