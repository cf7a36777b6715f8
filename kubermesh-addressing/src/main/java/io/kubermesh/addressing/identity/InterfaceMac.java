package io.kubermesh.addressing.identity;

import io.kubermesh.api.MacAddress;

/** A network interface of this machine and its MAC, as the identity choice sees it. */
public record InterfaceMac(String name, MacAddress mac) {
    public InterfaceMac {
        if (name == null || name.isBlank() || mac == null) {
            throw new IllegalArgumentException("an interface needs a name and a MAC");
        }
    }
}
