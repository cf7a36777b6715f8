package io.kubermesh.cli;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An inventory file: one MAC a line; {@code #} starts a comment; blank lines are skipped. */
final class Inventory {
    private Inventory() {
    }

    static List<MacAddress> read(Path file) {
        List<MacAddress> out = new ArrayList<>();
        Map<Long, Integer> seen = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (text.isEmpty()) {
                    continue;
                }
                MacAddress mac = MacAddress.parse(file + " line " + n, text);
                Integer first = seen.putIfAbsent(mac.value(), n);
                if (first != null) {
                    throw new ConfigurationException(file + " line " + n, text,
                            "a MAC not listed before (line " + first + " has it); two nodes cannot share a MAC");
                }
                out.add(mac);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("--inventory", file.toString(), "an existing file of MACs, one a line");
        } catch (IOException e) {
            throw new ConfigurationException("--inventory", file.toString(), "a readable file (" + e.getMessage() + ")");
        }
        return out;
    }
}
