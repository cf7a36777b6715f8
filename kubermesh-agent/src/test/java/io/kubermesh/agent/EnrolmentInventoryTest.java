package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentInventoryTest {
    private static final MacAddress LISTED = MacAddress.parse("52:54:00:00:00:01");
    private static final MacAddress FILED = MacAddress.parse("52:54:00:00:00:02");
    private static final MacAddress COMMENTED = MacAddress.parse("52:54:00:00:00:03");

    @Test
    void admitsTheClusterFilesMachinesAndTheListFilesSkippingCommentsAndBadLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inventory");
        Files.writeString(file, "# rack 1\n" + FILED + "   # left top\n\nnot-a-mac\n# " + COMMENTED + "\n");
        List<MacAddress> macs = EnrolmentInventory.read(
                new EnrolmentSpec(EnrolmentSpec.Policy.INVENTORY, List.of(LISTED), Optional.of(file)));
        assertThat(macs).containsExactly(LISTED, FILED);
    }

    @Test
    void readsTheFileAgainOnEveryAsk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inventory");
        Files.writeString(file, "");
        EnrolmentSpec spec = new EnrolmentSpec(EnrolmentSpec.Policy.INVENTORY, List.of(), Optional.of(file));
        assertThat(EnrolmentInventory.read(spec)).isEmpty();
        Files.writeString(file, FILED + "\n");
        assertThat(EnrolmentInventory.read(spec)).containsExactly(FILED);
    }

    @Test
    void aMissingFileLeavesOnlyTheClusterFilesMachines(@TempDir Path dir) {
        List<MacAddress> macs = EnrolmentInventory.read(new EnrolmentSpec(EnrolmentSpec.Policy.INVENTORY,
                List.of(LISTED), Optional.of(dir.resolve("absent"))));
        assertThat(macs).containsExactly(LISTED);
    }
}
