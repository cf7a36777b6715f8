package io.kubermesh.boot.machine;

import java.util.List;
import java.util.Map;

/**
 * The profile a node hands to every machine that boots from it when no groups are configured:
 * the kubermesh agent, with this cluster's YAML in its Ignition config, so what boots joins the
 * cluster it booted from.
 */
public final class ClusterProfile {
    /** Where the booted machine finds the cluster file. */
    public static final String CLUSTER_FILE = "/etc/kubermesh/cluster.yaml";

    private ClusterProfile() {
    }

    /** One group, {@code everyone}, selecting the {@code kubermesh} profile for every machine. */
    public static ProfileCatalog catalog(String clusterYaml) {
        Ignition ignition = new Ignition(List.of(new Ignition.File(CLUSTER_FILE, 0644, clusterYaml)),
                List.of(new Ignition.Unit("kubermesh-agent.service", true, String.join("\n",
                        "[Unit]", "Description=kubermesh agent", "After=network-online.target", "",
                        "[Service]", "ExecStart=/usr/bin/kubermesh agent --config " + CLUSTER_FILE,
                        "Restart=always", "", "[Install]", "WantedBy=multi-user.target", ""))),
                List.of());
        Profile agent = new Profile("kubermesh", "kubermesh/vmlinuz", List.of("kubermesh/initrd.img"),
                // The node OS logs every step to the serial console (the last console= is /dev/console).
                List.of("console=tty0", "console=ttyS0,115200n8", "ignition.config.url={ignition}",
                        "ignition.platform.id=metal", "kubermesh.server={server}"),
                ignition);
        return new ProfileCatalog(List.of(new Group("everyone", "kubermesh", Map.of())), List.of(agent));
    }
}
