package io.kubermesh.examples.rackplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RackPlanTest {
    @Test
    void aThreeHostRackHasThreeCablesWithBothEnds(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("rack.csv");
        Files.writeString(csv, "hostname,mac\nr1,52:54:00:12:34:56\nr2,52:54:00:12:34:57\nr3,52:54:00:12:34:58\n");
        List<RackPlan.Host> hosts = RackPlan.read(csv);
        assertEquals(3, hosts.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RackPlan.print(hosts, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("r1:cluster0 <-> r2:cluster0"), text);
        assertTrue(text.contains("r3:cluster1 <-> r1:cluster1"), text);
        assertTrue(text.contains("2001:db8::a4:a800:2468:ac20/126"), text);
        assertEquals(3, text.lines().filter(l -> l.contains("<->")).count());
    }

    @Test
    void aBadRowNamesItsLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("rack.csv");
        Files.writeString(csv, "r1,52:54:00:12:34:56\nr2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RackPlan.read(csv));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
