package io.kubermesh.image.build;

import io.kubermesh.boot.machine.ClusterProfile;
import io.kubermesh.image.node.IgnitionConfig;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first machine's Ignition config, which the image build puts on the USB image's data partition
 * (never in the netboot image): the cluster file, the machine's own join token (mode 0600, its only
 * secret), its host name, and the agent unit with {@code --etcd-bootstrap}, so that machine starts
 * the cluster's etcd.
 */
public final class FirstMachine {
    public static final String HOSTNAME = "km-first";
    public static final String JOIN_TOKEN = "/etc/kubermesh/join-token";

    private FirstMachine() {
    }

    public static IgnitionConfig config(String clusterYaml, String joinToken) {
        return new IgnitionConfig(List.of(
                new IgnitionConfig.File(ClusterProfile.CLUSTER_FILE, 0644, clusterYaml.getBytes(StandardCharsets.UTF_8)),
                new IgnitionConfig.File(JOIN_TOKEN, 0600, (joinToken + "\n").getBytes(StandardCharsets.UTF_8)),
                new IgnitionConfig.File("/etc/hostname", 0644, (HOSTNAME + "\n").getBytes(StandardCharsets.UTF_8))),
                List.of(new IgnitionConfig.Unit("kubermesh-agent.service", true, String.join("\n",
                        "[Unit]",
                        "Description=kubermesh agent (the first machine: starts the cluster's etcd)",
                        "",
                        "[Service]",
                        "ExecStart=/usr/bin/kubermesh agent --config " + ClusterProfile.CLUSTER_FILE + " --state "
                                + NodeFiles.STATE + " --etcd-bootstrap",
                        "Restart=always",
                        "",
                        "[Install]",
                        "WantedBy=multi-user.target", ""))),
                List.of());
    }
}
