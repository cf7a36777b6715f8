package io.kubermesh.boot.machine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.ConfigurationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Groups and profiles, and the choice of a profile for a machine's facts: the matching group
 * with the most selectors wins; a tie between equally specific groups goes to the smaller id (and
 * {@link Selection#note()} says so). Loaded from {@code groups/*.json} and {@code profiles/*.json}.
 */
public final class ProfileCatalog {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final List<Group> groups;
    private final Map<String, Profile> profiles;

    public ProfileCatalog(List<Group> groups, List<Profile> profiles) {
        this.groups = List.copyOf(groups);
        Map<String, Profile> byId = new LinkedHashMap<>();
        for (Profile p : profiles) {
            if (byId.put(p.id(), p) != null) {
                throw new ConfigurationException("profiles." + p.id(), p.id(), "a profile id used once");
            }
        }
        this.profiles = Map.copyOf(byId);
        for (Group g : groups) {
            if (!this.profiles.containsKey(g.profile())) {
                throw new ConfigurationException("groups." + g.id() + ".profile", g.profile(),
                        "one of the profiles " + this.profiles.keySet());
            }
        }
    }

    /** Reads {@code dir/groups/*.json} and {@code dir/profiles/*.json}; missing directories are empty. */
    public static ProfileCatalog load(Path dir) {
        return new ProfileCatalog(read(dir.resolve("groups"), Group.class), read(dir.resolve("profiles"), Profile.class));
    }

    private static <T> List<T> read(Path dir, Class<T> type) {
        List<T> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
                try {
                    out.add(JSON.readValue(p.toFile(), type));
                } catch (IOException | IllegalArgumentException e) {
                    throw new ConfigurationException(p.toString(), null, "a valid " + type.getSimpleName()
                            + " JSON document: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException(dir.toString(), null, "a readable directory: " + e.getMessage());
        }
        return out;
    }

    public List<Group> groups() {
        return groups;
    }

    public Optional<Profile> profile(String id) {
        return Optional.ofNullable(profiles.get(id));
    }

    /** The outcome of selecting a profile: the profile and group, or why none matched. */
    public record Selection(Optional<Profile> profile, Optional<Group> group, String note) {
    }

    /** Chooses the profile for {@code facts} (keys of {@link Group#KEYS}). */
    public Selection select(Map<String, String> facts) {
        List<Group> matching = groups.stream().filter(g -> g.matches(facts))
                .sorted(Comparator.comparingInt((Group g) -> -g.selectors().size()).thenComparing(Group::id))
                .toList();
        if (matching.isEmpty()) {
            return new Selection(Optional.empty(), Optional.empty(), groups.isEmpty()
                    ? "no groups are configured"
                    : "none of the " + groups.size() + " groups matches " + facts);
        }
        Group best = matching.get(0);
        String note = "group " + best.id() + " (" + best.selectors().size() + " selectors)";
        if (matching.size() > 1 && matching.get(1).selectors().size() == best.selectors().size()) {
            note += ", tied with group " + matching.get(1).id() + ": chose the smaller id";
        }
        return new Selection(Optional.of(profiles.get(best.profile())), Optional.of(best), note);
    }
}
