package io.kubermesh.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Kubermesh.class.getPackage().getImplementationVersion();
        return new String[] {"kubermesh " + (v == null ? "development" : v)};
    }
}
