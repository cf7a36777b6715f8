package io.kubermesh.controlplane.kubernetes.crd;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** What identifies a machine: its identity MAC (the one its block derives from) and the MAC that netbooted. */
public class MachineSpec {
    private static final String MAC = "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$";

    @Required
    @Pattern(MAC)
    private String identity;
    @Pattern(MAC)
    private String bootMac;

    public String getIdentity() {
        return identity;
    }

    public void setIdentity(String identity) {
        this.identity = identity;
    }

    public String getBootMac() {
        return bootMac;
    }

    public void setBootMac(String bootMac) {
        this.bootMac = bootMac;
    }
}
