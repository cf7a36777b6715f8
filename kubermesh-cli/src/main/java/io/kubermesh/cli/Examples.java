package io.kubermesh.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * An example in every command's help, kept in one place (the commands' own annotations say what
 * they do; this says how one calls them). {@code ExamplesTest} checks that no command lacks one.
 */
final class Examples {
    static final Map<String, List<String>> BY_COMMAND = Map.ofEntries(
            Map.entry("kubermesh", List.of("kubermesh up && kubermesh status", "kubermesh plan --profile seed --mac 52:54:00:12:34:56")),
            Map.entry("up", List.of("kubermesh up                                  the seed lab: 5 machines on network namespaces",
                    "kubermesh up --topology grid:2x3 --config cluster.yaml",
                    "kubermesh up --substrate shaped --plugins ./plugins -O shaped.rate=10mbit")),
            Map.entry("status", List.of("kubermesh status", "kubermesh status -o json | jq '.[] | {name, state, host}'")),
            Map.entry("plug", List.of("kubermesh plug --to kubermesh4 --to gateway:3", "kubermesh plug --to kubermesh1:2")),
            Map.entry("cut", List.of("kubermesh cut kubermesh2 kubermesh4")),
            Map.entry("join", List.of("kubermesh join kubermesh2 kubermesh4")),
            Map.entry("kill", List.of("kubermesh kill kubermesh3")),
            Map.entry("revive", List.of("kubermesh revive kubermesh3")),
            Map.entry("routes", List.of("kubermesh routes", "kubermesh routes --from kubermesh4 --to 2001:db8::a00:0:0:0 -o json")),
            Map.entry("topology", List.of("kubermesh topology --topology ring --nodes 6",
                    "kubermesh topology --topology grid:3x3 --format svg > mesh.svg")),
            Map.entry("down", List.of("kubermesh down", "kubermesh down --lab /run/kubermesh/lab2")),
            Map.entry("substrates", List.of("kubermesh substrates", "KUBERMESH_PLUGINS=./plugins kubermesh substrates")),
            Map.entry("plan", List.of("kubermesh plan --profile seed --mac 52:54:00:12:34:56",
                    "kubermesh plan --config cluster.yaml --inventory macs.txt -o json")),
            Map.entry("owner", List.of("kubermesh plan owner 2001:db8::a00:0:0:20 fd65:7b9c:569:680:98eb:c508:ea6b:b0b2")),
            Map.entry("agent", List.of("kubermesh agent --config /etc/kubermesh/cluster.yaml",
                    "kubermesh agent --config cluster.yaml --state /var/lib/kubermesh --etcd-bootstrap")),
            Map.entry("boot", List.of("kubermesh boot serve --profile seed --identity 52:54:00:12:34:56 --interface eth1:0")),
            Map.entry("serve", List.of("kubermesh boot serve --profile seed --identity 52:54:00:12:34:56 --interface eth1:0",
                    "kubermesh boot serve --config cluster.yaml --identity 52:54:00:12:34:56 --interface eth1 --interface eth2")),
            Map.entry("render", List.of("kubermesh render kubernetes --profile seed | kubectl apply -f -")),
            Map.entry("kubernetes", List.of("kubermesh render kubernetes --config cluster.yaml --output manifests/")),
            Map.entry("power", List.of("kubermesh power status node1 node2 --site site.yaml",
                    "kubermesh power on node1 --site site.yaml --next-boot network",
                    "kubermesh power off --force node1 --site site.yaml")),
            Map.entry("image", List.of("kubermesh image build --profile seed --output /srv/kubermesh-image",
                    "kubermesh image write --image /srv/kubermesh-image/usb.img --device /dev/sdb")),
            Map.entry("build", List.of("kubermesh image build --profile seed --output /srv/kubermesh-image",
                    "kubermesh image build --config cluster.yaml --output out --cache /var/cache/kubermesh-image")),
            Map.entry("write", List.of("kubermesh image write --image /srv/kubermesh-image/usb.img --device /dev/disk/by-id/usb-SanDisk_Ultra-0:0",
                    "kubermesh image write --image out/usb.img --device /dev/sdb --yes")),
            Map.entry("node-setup", List.of("systemctl status kubermesh-setup.service     (it runs kubermesh image node-setup at boot)")),
            Map.entry("approve", List.of("kubermesh status     (lists the machines waiting for approval)",
                    "kubermesh approve 52:54:00:00:03:00")),
            Map.entry("deny", List.of("kubermesh deny 52:54:00:00:03:00",
                    "kubermesh routing-key roll     (a machine enrolled before keeps no routing adjacency)")),
            Map.entry("routing-key", List.of("kubermesh routing-key", "kubermesh routing-key roll")),
            Map.entry("completion", List.of("source <(kubermesh completion bash)",
                    "kubermesh completion zsh > \"${fpath[1]}/_kubermesh\"")));

    private Examples() {
    }

    /** Adds the examples to {@code root} and every subcommand below it; returns {@code root}. */
    static CommandLine addTo(CommandLine root) {
        add(root);
        return root;
    }

    private static void add(CommandLine cl) {
        List<String> examples = BY_COMMAND.get(cl.getCommandName());
        if (examples != null) {
            cl.getCommandSpec().usageMessage().footerHeading("%nExample" + (examples.size() > 1 ? "s" : "") + ":%n")
                    .footer(examples.stream().map(e -> "  " + e).toArray(String[]::new));
        }
        cl.getSubcommands().values().forEach(Examples::add);
    }
}
