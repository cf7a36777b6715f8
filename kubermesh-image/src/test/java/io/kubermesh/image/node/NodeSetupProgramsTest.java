package io.kubermesh.image.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import io.kubermesh.image.build.RootRecipe;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What node setup runs on a booted node is in the node image the recipe builds. */
class NodeSetupProgramsTest {
    /**
     * Packages a node has without naming them: Essential ones (mmdebstrap's essential variant
     * installs them) and {@code mount}, which systemd depends on.
     */
    private static final Set<String> WITHOUT_NAMING = Set.of("hostname", "util-linux", "coreutils", "mount");

    @Test
    void everyProgramNodeSetupRunsComesWithTheNodeImage() {
        List<String> missing = HostRequirements.NODE_SETUP_PROGRAMS.stream().map(Requirement.Program::debianPackage)
                .filter(p -> !RootRecipe.PACKAGES.contains(p) && !WITHOUT_NAMING.contains(p)).distinct().toList();
        assertThat(missing).as("packages of HostRequirements.NODE_SETUP_PROGRAMS not in RootRecipe.PACKAGES").isEmpty();
        assertThat(HostRequirements.NODE_SETUP_PROGRAMS).contains(HostRequirements.MOUNT, HostRequirements.IP,
                HostRequirements.SFDISK);
    }
}
