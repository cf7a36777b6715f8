package io.kubermesh.controlplane.kubernetes.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A machine of the mesh as Kubernetes sees it: cluster-scoped, named like its Node, its spec the
 * identity, its status what the boot services and the agent know (state, block, neighbours, boot
 * history). The CustomResourceDefinition is generated from these types
 * ({@link io.kubermesh.controlplane.kubernetes.MachineDefinition}).
 *
 * <p>A mutable bean, unlike kubermesh's records: fabric8's serialisation and CRD generator work
 * on Kubernetes-style beans.
 */
@Group(Machine.GROUP)
@Version(Machine.VERSION)
@Plural("machines")
@ShortNames("kmm")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Identity", jsonPath = ".spec.identity", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Host", jsonPath = ".status.host", type = AdditionalPrinterColumn.Type.STRING)
public class Machine extends CustomResource<MachineSpec, MachineStatus> {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "kubermesh.io";
    public static final String VERSION = "v1alpha1";
}
