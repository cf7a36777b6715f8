package io.kubermesh.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.kubernetes.KubernetesRenderer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kubermesh render kubernetes}: the manifests kubermesh puts into its cluster (namespace,
 * {@code Machine} definition, the agent's RBAC, the ConfigMap with the cluster file, the agent
 * DaemonSet), as one multi-document YAML stream on standard output or one file per object. Never
 * a Secret: join tokens are made per machine at run time and go only into that machine's Ignition.
 */
@Command(name = "kubernetes", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the Kubernetes manifests of the cluster: Namespace, Machine CRD, RBAC, the ConfigMap with",
                "the cluster file and the agent DaemonSet; to standard output as one YAML stream, or one file per",
                "object in DIR (applied in file name order). Never a Secret."})
final class RenderKubernetesCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Write NN-kind-name.yaml files here (created if missing) instead of standard output.")
    Path outputDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() throws Exception {
        if (outputDir != null && Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new ConfigurationException("--output-dir", outputDir.toString(), "a directory (created if missing)");
        }
        KubernetesRenderer renderer = new KubernetesRenderer(cluster.load(), KubernetesRenderer.Options.DEFAULT);
        List<HasMetadata> objects = renderer.objects();
        for (HasMetadata o : objects) {
            if (o instanceof Secret) {
                throw new KubermeshException("the rendered manifests hold a Secret (" + o.getMetadata().getName()
                        + "); secrets are never rendered");
            }
        }
        PrintWriter out = command.commandLine().getOut();
        if (outputDir == null) {
            out.print(renderer.yaml());
            out.flush();
            return 0;
        }
        Files.createDirectories(outputDir);
        for (int i = 0; i < objects.size(); i++) {
            HasMetadata o = objects.get(i);
            Path file = outputDir.resolve(fileName(i, o));
            Files.writeString(file, Serialization.asYaml(o));
            out.println(file);
        }
        out.flush();
        return 0;
    }

    /** {@code 01-namespace-kubermesh-system.yaml}: the number keeps the apply order (namespace and CRD first). */
    static String fileName(int index, HasMetadata o) {
        String name = (o.getKind() + "-" + o.getMetadata().getName()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9.-]", "-");
        return String.format(Locale.ROOT, "%02d-%s.yaml", index + 1, name);
    }
}
