package io.kubermesh.controlplane.kubernetes;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.kubernetes.crd.Machine;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;

/** The {@code machines.kubermesh.io} CustomResourceDefinition, generated from the {@link Machine} Java types. */
public final class MachineDefinition {
    private MachineDefinition() {
    }

    /** A fresh copy of the definition (apiextensions.k8s.io/v1). */
    public static CustomResourceDefinition get() {
        AtomicReference<CustomResourceDefinition> captured = new AtomicReference<>();
        // The generator writes YAML to an output we discard; its post-processor hands us the object itself.
        new CRDGenerator()
                .forCRDVersions("v1")
                .withOutput(new CRDGenerator.CRDOutput<OutputStream>() {
                    @Override
                    public OutputStream outputFor(String name) {
                        return OutputStream.nullOutputStream();
                    }

                    @Override
                    public void close() {
                    }
                })
                .withPostProcessor(new io.fabric8.crdv2.generator.CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String version) {
                        captured.set((CustomResourceDefinition) crd);
                        return crd;
                    }
                })
                .customResourceClasses(Machine.class)
                .detailedGenerate();
        if (captured.get() == null) {
            throw new KubermeshException("the CRD generator produced no definition for " + Machine.class.getName());
        }
        return captured.get();
    }
}
