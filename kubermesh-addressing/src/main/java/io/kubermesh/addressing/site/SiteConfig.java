package io.kubermesh.addressing.site;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.addressing.config.Fields;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RegionLayout;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.PowerTarget;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the site inventory ({@code site.yaml}) into a {@link SiteInventory}, validated like the
 * cluster file: unknown fields are errors, every problem names its path
 * ({@code site.machines[2].bmc.passwordFile}), and all problems of a file are reported together.
 * BMC passwords are references only (a file of mode 0600, an environment variable); a reference
 * that cannot be read, or a file that group or others can read, is refused here, before any BMC
 * is contacted. The shape:
 *
 * <pre>
 * site:
 *   name: rack1
 *   machines:
 *     - name: gateway
 *       nics: ["52:54:00:00:00:01", "52:54:00:00:00:02"]
 *     - name: node1
 *       nics: ["52:54:00:00:01:01"]
 *       bmc: { address: "ipmi://192.0.2.11", username: admin, passwordFile: /etc/kubermesh/bmc/node1 }
 *     - name: node2
 *       nics: ["52:54:00:00:02:01"]
 *       bmc: { address: "redfish://192.0.2.12", username: admin, passwordEnv: KM_BMC_NODE2,
 *              tls: { fingerprint: "sha256:AB:…" } }
 *     - name: node3
 *       nics: ["52:54:00:00:03:01"]
 *       bmc: { address: wol, port: "gateway:1" }
 *   cables:
 *     - ["gateway:0", "node1:0"]
 * </pre>
 */
public final class SiteConfig {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");
    private static final String NAME_RULE = "lower-case letters, digits and '-', at most 32, not starting or ending with '-'";

    private SiteConfig() {
    }

    /** Reads a YAML file, with secrets in the environment of this process. */
    public static SiteInventory load(Path file) {
        String text = Fields.readFile(file, "--site", "site inventory (YAML)");
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base, System::getenv);
    }

    /**
     * Parses YAML text. Relative {@code passwordFile} and {@code caFile} paths are resolved against
     * {@code base}; {@code environment} looks up {@code passwordEnv} variables.
     */
    public static SiteInventory parse(String yaml, String source, Path base, Function<String, String> environment) {
        JsonNode root = Fields.readYaml(yaml, "site", source);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigurationException("site", source, "a site inventory with a site: mapping; the file is empty");
        }
        Context ctx = new Context(base, environment);
        Validation<List<Problem>, SiteInventory> site = Fields.of("(top)", root, Set.of("site"))
                .flatMap(top -> top.has("site") ? Validation.valid(top.get("site"))
                        : Fields.invalid("site", null, "a mapping with name, machines and cables (this field is required)"))
                .flatMap(node -> site(node, ctx));
        if (site.isInvalid()) {
            throw new ConfigurationException(site.getError().toJavaList());
        }
        return site.get();
    }

    record Context(Path base, Function<String, String> environment) {
        Path resolve(String path) {
            Path p = Path.of(path);
            return p.isAbsolute() || base == null ? p : base.resolve(p);
        }
    }

    private static Validation<List<Problem>, SiteInventory> site(JsonNode node, Context ctx) {
        return Fields.of("site", node, Set.of("name", "machines", "cables")).flatMap(f -> {
            Validation<List<Problem>, String> name = f.string("name", "site").flatMap(n -> NAME.matcher(n).matches()
                    ? Validation.valid(n) : Fields.invalid(f.path("name"), f.get("name"), NAME_RULE));
            Validation<List<Problem>, java.util.List<MachinePart>> machines = machines(f.get("machines"));
            if (machines.isInvalid()) {
                return Validation.combine(name, machines).ap((a, b) -> (SiteInventory) null)
                        .mapError(seqs -> seqs.flatMap(x -> x).toList());
            }
            Map<String, MachinePart> byName = new HashMap<>();
            machines.get().forEach(m -> byName.put(m.name, m));
            Validation<List<Problem>, java.util.List<Topology.Cable>> cables = Cables.read("site.cables", f.get("cables"), byName);
            Validation<List<Problem>, java.util.List<SiteMachine>> powered = cables.isValid()
                    ? power(machines.get(), cables.get(), ctx) : Validation.valid(java.util.List.of());
            return Validation.combine(name, cables, powered)
                    .ap((n, c, p) -> new SiteInventory(n, p, c))
                    .mapError(seqs -> seqs.flatMap(x -> x).toList());
        });
    }

    /** A machine as listed, its bmc not yet read (WoL needs the cables to find its port). */
    record MachinePart(int index, String name, java.util.List<MacAddress> nics, JsonNode bmc) {
        String path() {
            return "site.machines[" + index + "]";
        }
    }

    private static Validation<List<Problem>, java.util.List<MachinePart>> machines(JsonNode list) {
        if (list == null) {
            return Fields.invalid("site.machines", null, "a list of machines (this field is required)");
        }
        if (!list.isArray() || list.isEmpty()) {
            return Fields.invalid("site.machines", list, "a non-empty list of machines");
        }
        java.util.List<MachinePart> out = new ArrayList<>();
        List<Problem> problems = List.empty();
        Map<String, String> names = new HashMap<>();
        Map<MacAddress, String> macs = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "site.machines[" + i + "]";
            int index = i;
            Validation<List<Problem>, MachinePart> m = Fields.of(at, list.get(i), Set.of("name", "nics", "bmc"))
                    .flatMap(f -> Validation.combine(
                                    f.string("name", null).flatMap(n -> NAME.matcher(n).matches() ? Validation.valid(n)
                                            : Fields.invalid(f.path("name"), f.get("name"), NAME_RULE)),
                                    nics(f.path("nics"), f.get("nics")))
                            .ap((n, nics) -> new MachinePart(index, n, nics, f.get("bmc")))
                            .mapError(seqs -> seqs.flatMap(x -> x).toList()));
            if (m.isInvalid()) {
                problems = problems.appendAll(m.getError());
                continue;
            }
            MachinePart part = m.get();
            String before = names.putIfAbsent(part.name, at);
            if (before != null) {
                problems = problems.append(new Problem(at + ".name", part.name, "a name no other machine has; "
                        + before + " has it"));
            }
            for (int n = 0; n < part.nics.size(); n++) {
                String owner = macs.putIfAbsent(part.nics.get(n), at + ".nics[" + n + "]");
                if (owner != null) {
                    problems = problems.append(new Problem(at + ".nics[" + n + "]", part.nics.get(n).toString(),
                            "a MAC no other NIC has; " + owner + " has it"));
                }
            }
            out.add(part);
        }
        return problems.isEmpty() ? Validation.valid(out) : Validation.invalid(problems);
    }

    private static Validation<List<Problem>, java.util.List<MacAddress>> nics(String at, JsonNode list) {
        if (list == null) {
            return Fields.invalid(at, null, "the machine's NIC MACs in port order (this field is required)");
        }
        if (!list.isArray() || list.isEmpty() || list.size() > RegionLayout.MAX_PORTS) {
            return Fields.invalid(at, list, "a list of 1.." + RegionLayout.MAX_PORTS + " MACs, port 0 first");
        }
        java.util.List<MacAddress> out = new ArrayList<>();
        List<Problem> problems = List.empty();
        for (int i = 0; i < list.size(); i++) {
            String p = at + "[" + i + "]";
            JsonNode v = list.get(i);
            Validation<List<Problem>, MacAddress> mac = Fields.attempt(() -> MacAddress.parse(p, v.asText()))
                    .flatMap(m -> m.isUsableIdentity() ? Validation.valid(m)
                            : Fields.invalid(p, v, "a unicast, non-zero MAC (a NIC's own address)"));
            if (mac.isValid() && v.isTextual()) {
                out.add(mac.get());
            } else {
                problems = problems.appendAll(mac.isInvalid() ? mac.getError()
                        : List.of(new Problem(p, Fields.text(v), "a MAC as a string, like \"52:54:00:12:34:56\"")));
            }
        }
        return problems.isEmpty() ? Validation.valid(out) : Validation.invalid(problems);
    }

    private static Validation<List<Problem>, java.util.List<SiteMachine>> power(java.util.List<MachinePart> machines,
                                                                                 java.util.List<Topology.Cable> cables,
                                                                                 Context ctx) {
        java.util.List<SiteMachine> out = new ArrayList<>();
        List<Problem> problems = List.empty();
        for (MachinePart m : machines) {
            Validation<List<Problem>, Optional<PowerTarget>> power = m.bmc == null ? Validation.valid(Optional.empty())
                    : Bmcs.read(m, cables, ctx).map(Optional::of);
            if (power.isValid()) {
                out.add(new SiteMachine(m.name, m.nics, power.get()));
            } else {
                problems = problems.appendAll(power.getError());
            }
        }
        return problems.isEmpty() ? Validation.valid(out) : Validation.invalid(problems);
    }

    static Set<PortRef> used(java.util.List<Topology.Cable> cables) {
        Set<PortRef> used = new HashSet<>();
        cables.forEach(c -> {
            used.add(c.a());
            used.add(c.b());
        });
        return used;
    }
}
