package io.kubermesh.agent;

import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machines {@code enrolment: inventory} admits: the cluster file's {@code machines} and the
 * MACs of its list file, one a line, {@code #} starting a comment. The file is read on every ask,
 * so an operator adds a machine by editing it; a line that is no MAC, or a file that cannot be
 * read, is logged and left out (the machine stays out until the line is fixed).
 */
final class EnrolmentInventory {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentInventory.class);

    private EnrolmentInventory() {
    }

    /** The MACs of {@code policy}'s inventory, read now. */
    static List<MacAddress> read(EnrolmentSpec policy) {
        List<MacAddress> out = new ArrayList<>(policy.machines());
        policy.file().ifPresent(f -> out.addAll(readFile(f)));
        return out;
    }

    static List<MacAddress> readFile(Path f) {
        List<MacAddress> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("enrolment: cannot read the inventory {} ({}); only the cluster file's machines are admitted"
                    + " until it can be read", f, e.toString());
            return out;
        }
        int number = 0;
        for (String line : lines) {
            number++;
            String t = line.replaceAll("#.*", "").trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(MacAddress.parse(t));
            } catch (RuntimeException e) {
                LOG.warn("enrolment: {} line {} holds {}, not a MAC (write one as 52:54:00:12:34:56); line ignored",
                        f, number, t.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        return out;
    }
}
