package io.kubermesh.agent;

import java.nio.file.Path;

/**
 * What a node's agent process is started with ({@code kubermesh agent}, or a substrate's machine
 * entry point).
 *
 * @param config the cluster YAML file
 * @param state the node's state directory (created if missing)
 * @param name the node's name in status; null for the host name
 * @param stub the stub interface for the host /128
 * @param etcdBootstrap true on the first machine: with no etcd data, start a new etcd cluster
 * @param tftpRoot where the iPXE binaries are served from (Debian's ipxe package: /usr/lib/ipxe)
 * @param setupResult the node OS setup's result file ({@link NodeSetupResult}), or null where no
 *     setup runs before the agent (then status has no {@code setup} component)
 */
public record AgentOptions(Path config, Path state, String name, String stub, boolean etcdBootstrap, Path tftpRoot,
                           Path setupResult) {
    public static final Path DEFAULT_TFTP_ROOT = Path.of("/usr/lib/ipxe");

    public AgentOptions {
        if (config == null || state == null) {
            throw new IllegalArgumentException("an agent needs a cluster file and a state directory");
        }
        stub = stub == null ? AgentSettings.DEFAULT_STUB : stub;
        tftpRoot = tftpRoot == null ? DEFAULT_TFTP_ROOT : tftpRoot;
    }

    /** The usual options: the default stub and TFTP root. */
    public static AgentOptions of(Path config, Path state, String name, boolean etcdBootstrap) {
        return new AgentOptions(config, state, name, null, etcdBootstrap, null, null);
    }
}
