package io.kubermesh.image.build;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RootLayerTest {
    @Test
    void keptModulesAreClosedUnderDependency() {
        Map<String, List<String>> deps = Map.of(
                "kernel/drivers/net/ethernet/intel/igb/igb.ko", List.of("kernel/drivers/dca/dca.ko", "kernel/drivers/ptp/ptp.ko"),
                "kernel/drivers/ptp/ptp.ko", List.of("kernel/drivers/pps/pps_core.ko"),
                "kernel/drivers/pps/pps_core.ko", List.of(),
                "kernel/drivers/dca/dca.ko", List.of(),
                "kernel/sound/core/snd.ko", List.of("kernel/drivers/base/soundcore.ko"),
                "kernel/drivers/base/soundcore.ko", List.of());
        assertThat(RootLayer.keptModules(deps, List.of("drivers/net/ethernet/intel/"))).containsExactlyInAnyOrder(
                "kernel/drivers/net/ethernet/intel/igb/igb.ko", "kernel/drivers/dca/dca.ko", "kernel/drivers/ptp/ptp.ko",
                "kernel/drivers/pps/pps_core.ko");
        assertThat(RootLayer.keptModules(deps, List.of("fs/"))).isEmpty();
    }

    @Test
    void anAccountWithAHashOrAnEmptyPasswordIsFound() {
        String shadow = "root:*:19000:0:99999:7:::\n"
                + "daemon:!:19000::::::\n"
                + "frr:!*:19000::::::\n"
                + "eve::19000::::::\n"
                + "mallory:$6$salt$hash:19000::::::\n";
        assertThat(RootLayer.accountsWithPasswords(shadow)).containsExactly("eve", "mallory");
        assertThat(RootLayer.accountsWithPasswords("root:*:1::::::\n_etcd:!:1::::::\n")).isEmpty();
    }

    @Test
    void theRecipeDescriptionChangesWithEveryInput() {
        RootRecipe r = RootRecipe.bookworm();
        String base = r.describe();
        assertThat(new RootRecipe(r.suite(), r.sources(), List.of("systemd"), r.dpkgExcludes(), r.modules(), r.sourceDateEpoch())
                .describe()).isNotEqualTo(base);
        assertThat(new RootRecipe(r.suite(), r.sources(), r.packages(), r.dpkgExcludes(), List.of("fs/"), r.sourceDateEpoch())
                .describe()).isNotEqualTo(base);
        assertThat(new RootRecipe(r.suite(), r.sources(), r.packages(), r.dpkgExcludes(), r.modules(), 1L).describe())
                .isNotEqualTo(base);
        assertThat(RootRecipe.bookworm().describe()).isEqualTo(base);
        assertThat(base).contains(RootRecipe.VERSION, "etcd-server", "frr", "bird2", "linux-image-amd64");
    }

    @Test
    void espIsTwiceTheNetbootImageInWholeSteps() {
        long mib = DiskLayout.MIB;
        assertThat(ImageBuilder.espSize(10 * mib)).isEqualTo(256 * mib);
        assertThat(ImageBuilder.espSize(143 * mib)).isEqualTo(320 * mib);
    }
}
