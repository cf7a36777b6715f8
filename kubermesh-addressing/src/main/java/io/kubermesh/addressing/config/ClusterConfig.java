package io.kubermesh.addressing.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.BootSpec;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.EnrolmentSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.RegionLayout;
import io.kubermesh.api.RoutingSpec;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the cluster YAML (ARCHITECTURE.md, "Configuration") into a {@link ClusterSpec}: every
 * field has a default, unknown fields are an error, and every problem names its path. All problems
 * of a file are reported together.
 */
public final class ClusterConfig {
    /** The built-in profiles, by name. */
    public static final java.util.List<String> PROFILES = java.util.List.of("seed");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration SECOND = Duration.ofSeconds(1);

    private ClusterConfig() {
    }

    /** Reads a YAML file. */
    public static ClusterSpec load(Path file) {
        String text = Fields.readFile(file, "--config", "YAML file");
        return parse(text, file.toString());
    }

    /** A built-in profile: {@code seed} is the seed deployment's values. */
    public static ClusterSpec profile(String name) {
        if (!PROFILES.contains(name)) {
            throw new ConfigurationException("--profile", name, "one of " + PROFILES);
        }
        try (InputStream in = ClusterConfig.class.getResourceAsStream(name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("profile " + name + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "profile " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed profile. */
    public static ClusterSpec seed() {
        return profile("seed");
    }

    /** Parses YAML text; {@code source} names it in syntax errors. */
    public static ClusterSpec parse(String yaml, String source) {
        JsonNode root = Fields.readYaml(yaml, "cluster", source);
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        Validation<List<Problem>, ClusterSpec> spec = Fields.of("(top)", root, Set.of("cluster"))
                .flatMap(top -> cluster(top.get("cluster")));
        if (spec.isInvalid()) {
            throw new ConfigurationException(spec.getError().toJavaList());
        }
        return spec.get();
    }

    private static Validation<List<Problem>, ClusterSpec> cluster(JsonNode node) {
        return Fields.of("cluster", node, Set.of("name", "ipv6", "anycast", "ipv4", "routing", "boot",
                        "controlPlane", "enrolment"))
                .flatMap(c -> {
                    Validation<List<Problem>, String> name = c.string("name", "kubermesh");
                    Validation<List<Problem>, Ipv6Part> ipv6 = ipv6(c.get("ipv6"));
                    Validation<List<Problem>, AnycastPart> anycast = anycast(c.get("anycast"));
                    Validation<List<Problem>, Ipv4Pools> ipv4 = ipv4(c.get("ipv4"));
                    Validation<List<Problem>, RoutingSpec> routing = routing(c.get("routing"));
                    Validation<List<Problem>, BootSpec> boot = boot(c.get("boot"));
                    Validation<List<Problem>, ControlPlaneSpec> controlPlane = controlPlane(c.get("controlPlane"));
                    Validation<List<Problem>, EnrolmentSpec> enrolment = enrolment(c.get("enrolment"));
                    return Validation.combine(name, ipv6, anycast, ipv4, routing, boot, controlPlane, enrolment)
                            .ap((n, v6, any, v4, r, b, cp, en) -> Fields.attempt(() -> new ClusterSpec(n, v6.prefix, v6.layout,
                                    any.prefix, any.services, v4, r, b, cp, en)))
                            .mapError(seqs -> seqs.flatMap(x -> x).toList())
                            .flatMap(v -> v);
                });
    }

    private record Ipv6Part(Ipv6Prefix prefix, RegionLayout layout) {
    }

    private record AnycastPart(Ipv6Prefix prefix, java.util.List<AnycastService> services) {
    }

    private static Validation<List<Problem>, Ipv6Part> ipv6(JsonNode node) {
        return Fields.of("cluster.ipv6", node, Set.of("prefix", "layout")).flatMap(f -> {
            Validation<List<Problem>, Ipv6Prefix> prefix = f.parsed("prefix", "2001:db8::/71",
                    s -> Ipv6Prefix.parse(f.path("prefix"), s));
            Validation<List<Problem>, RegionLayout> layout = Fields.of("cluster.ipv6.layout", f.get("layout"),
                    Set.of("hostOffset", "portOffset", "ports")).flatMap(l -> Validation.combine(
                            l.integer("hostOffset", RegionLayout.DEFAULT.hostOffset(), 0, Integer.MAX_VALUE),
                            l.integer("portOffset", RegionLayout.DEFAULT.portOffset(), 0, Integer.MAX_VALUE),
                            l.integer("ports", RegionLayout.DEFAULT.ports(), 1, RegionLayout.MAX_PORTS))
                    .ap((h, p, n) -> Fields.attempt(() -> new RegionLayout(h, p, n)))
                    .mapError(seqs -> seqs.flatMap(x -> x).toList()).flatMap(v -> v));
            return Validation.combine(prefix, layout).ap(Ipv6Part::new).mapError(seqs -> seqs.flatMap(x -> x).toList());
        });
    }

    private static Validation<List<Problem>, AnycastPart> anycast(JsonNode node) {
        return Fields.of("cluster.anycast", node, Set.of("prefix", "services")).flatMap(f -> {
            Validation<List<Problem>, Ipv6Prefix> prefix = f.parsed("prefix", "fd65:7b9c:569:680::/64",
                    s -> Ipv6Prefix.parse(f.path("prefix"), s));
            JsonNode list = f.get("services");
            Validation<List<Problem>, java.util.List<AnycastService>> services;
            if (list == null) {
                services = Validation.valid(java.util.List.of());
            } else if (!list.isArray()) {
                services = Fields.invalid("cluster.anycast.services", list, "a list of services");
            } else {
                java.util.List<AnycastService> out = new ArrayList<>();
                List<Problem> problems = List.empty();
                for (int i = 0; i < list.size(); i++) {
                    Validation<List<Problem>, AnycastService> s = service("cluster.anycast.services[" + i + "]", list.get(i));
                    if (s.isValid()) {
                        out.add(s.get());
                    } else {
                        problems = problems.appendAll(s.getError());
                    }
                }
                services = problems.isEmpty() ? Validation.valid(out) : Validation.invalid(problems);
            }
            return Validation.combine(prefix, services).ap(AnycastPart::new).mapError(seqs -> seqs.flatMap(x -> x).toList());
        });
    }

    private static Validation<List<Problem>, AnycastService> service(String at, JsonNode node) {
        return Fields.of(at, node, Set.of("name", "address", "port", "check", "interval", "rise", "fall", "expected"))
                .flatMap(f -> {
            Validation<List<Problem>, String> name = f.string("name", null);
            Validation<List<Problem>, Optional<Ipv6Address>> address = f.get("address") == null
                    ? Validation.valid(Optional.empty())
                    : f.parsed("address", null, s -> Optional.of(Ipv6Address.parse(f.path("address"), s)));
            Validation<List<Problem>, Integer> port = f.get("port") == null
                    ? Fields.invalid(f.path("port"), null, "a TCP port, 1..65535 (this field is required)")
                    : f.integer("port", 0, 1, 65535);
            Validation<List<Problem>, HealthCheck> check = check(at + ".check", f.get("check"));
            Validation<List<Problem>, Duration> interval = f.duration("interval", SECOND);
            Validation<List<Problem>, Integer> rise = f.integer("rise", 2, 1, 100);
            Validation<List<Problem>, Integer> fall = f.integer("fall", 2, 1, 100);
            Validation<List<Problem>, Optional<AnycastService.Expected>> expected = f.string("expected", "").flatMap(e -> {
                if (e.isEmpty()) {
                    return Validation.valid(Optional.empty());
                }
                for (AnycastService.Expected x : AnycastService.Expected.values()) {
                    if (x.id().equals(e)) {
                        return Validation.valid(Optional.of(x));
                    }
                }
                return Fields.invalid(f.path("expected"), f.get("expected"),
                        "etcdMembers, allNodes or optional (where a server is expected to answer)");
            });
            return Validation.combine(name, address, port, check, interval, rise, fall, expected)
                    .ap((n, a, p, c, i, r, fl, e) -> Fields.attempt(() -> new AnycastService(n, a, p, c, i, r, fl,
                                    e.orElse(null)))
                            .mapError(ps -> ps.map(pr -> new Problem(at + "." + pr.path(), pr.value(), pr.expected()))))
                    .mapError(seqs -> seqs.flatMap(x -> x).toList())
                    .flatMap(v -> v);
        });
    }

    private static Validation<List<Problem>, HealthCheck> check(String at, JsonNode node) {
        if (node == null || node.isNull()) {
            return Validation.valid(new HealthCheck.Tcp());
        }
        String expected = "one of {tcp: true}, {http: /path}, {https: /path} or {command: [argv...]}";
        if (!node.isObject() || node.size() != 1) {
            return Fields.invalid(at, node, expected);
        }
        String kind = node.fieldNames().next();
        JsonNode v = node.get(kind);
        switch (kind) {
            case "tcp":
                return v.isBoolean() && v.asBoolean() ? Validation.valid(new HealthCheck.Tcp())
                        : Fields.invalid(at + ".tcp", v, "true");
            case "http":
                return v.isTextual() && v.asText().startsWith("/") ? Validation.valid(new HealthCheck.Http(v.asText()))
                        : Fields.invalid(at + ".http", v, "an absolute request path like /health");
            case "https":
                return v.isTextual() && v.asText().startsWith("/") ? Validation.valid(new HealthCheck.Https(v.asText()))
                        : Fields.invalid(at + ".https", v, "an absolute request path like /health");
            case "command":
                java.util.List<String> argv = new ArrayList<>();
                if (v.isTextual()) {
                    argv.addAll(java.util.List.of(v.asText().trim().split("\\s+")));
                } else if (v.isArray()) {
                    v.forEach(a -> argv.add(a.asText()));
                }
                return argv.isEmpty() || argv.get(0).isBlank() ? Fields.invalid(at + ".command", v, "a non-empty command line")
                        : Validation.valid(new HealthCheck.Command(argv));
            default:
                return Fields.invalid(at + "." + kind, v, "unknown check; " + expected);
        }
    }

    private static Validation<List<Problem>, Ipv4Pools> ipv4(JsonNode node) {
        return Fields.of("cluster.ipv4", node, Set.of("nodePool", "podPool", "podPrefixLength")).flatMap(f -> Validation
                .combine(f.parsed("nodePool", Ipv4Pools.DEFAULT.nodePool().toString(), s -> Ipv4Prefix.parse(f.path("nodePool"), s)),
                        f.parsed("podPool", Ipv4Pools.DEFAULT.podPool().toString(), s -> Ipv4Prefix.parse(f.path("podPool"), s)),
                        f.integer("podPrefixLength", Ipv4Pools.DEFAULT.podPrefixLength(), 0, 32))
                .ap((n, p, len) -> Fields.attempt(() -> new Ipv4Pools(n, p, len)))
                .mapError(seqs -> seqs.flatMap(x -> x).toList()).flatMap(v -> v));
    }

    private static Validation<List<Problem>, RoutingSpec> routing(JsonNode node) {
        RoutingSpec d = RoutingSpec.DEFAULT;
        return Fields.of("cluster.routing", node, Set.of("daemon", "hello", "dead", "bfd")).flatMap(f -> {
            Validation<List<Problem>, RoutingSpec.Daemon> daemon = f.string("daemon", d.daemon().id()).flatMap(s -> {
                for (RoutingSpec.Daemon k : RoutingSpec.Daemon.values()) {
                    if (k.id().equals(s.toLowerCase(Locale.ROOT))) {
                        return Validation.valid(k);
                    }
                }
                return Fields.invalid(f.path("daemon"), f.get("daemon"), "frr (the default) or bird");
            });
            Validation<List<Problem>, Fields> bfd = Fields.of("cluster.routing.bfd", f.get("bfd"), Set.of("interval", "multiplier"));
            Validation<List<Problem>, Duration> bfdInterval = bfd.flatMap(b -> b.duration("interval", d.bfdInterval()));
            Validation<List<Problem>, Integer> bfdMultiplier = bfd.flatMap(b -> b.integer("multiplier", d.bfdMultiplier(), 2, 255));
            return Validation.combine(daemon, f.duration("hello", d.hello()), f.duration("dead", d.dead()), bfdInterval, bfdMultiplier)
                    .ap((k, h, dd, bi, bm) -> Fields.attempt(() -> new RoutingSpec(k, h, dd, bi, bm)))
                    .mapError(seqs -> seqs.flatMap(x -> x).toList()).flatMap(v -> v);
        });
    }

    /** {@code enrolment: auto} or {@code enrolment: {policy: inventory, machines: [MAC...], file: PATH}}. */
    private static Validation<List<Problem>, EnrolmentSpec> enrolment(JsonNode node) {
        String expected = "one of auto, inventory, approve";
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Validation.valid(EnrolmentSpec.DEFAULT);
        }
        if (node.isTextual()) {
            return policy("cluster.enrolment", node).flatMap(p -> Fields.attempt(() ->
                    new EnrolmentSpec(p, java.util.List.of(), java.util.Optional.empty())));
        }
        if (!node.isObject()) {
            return Fields.invalid("cluster.enrolment", node, expected + ", or {policy, machines, file}");
        }
        return Fields.of("cluster.enrolment", node, Set.of("policy", "machines", "file")).flatMap(f -> {
            Validation<List<Problem>, EnrolmentSpec.Policy> policy = policy("cluster.enrolment.policy", f.get("policy"));
            List<Problem> problems = List.empty();
            java.util.List<MacAddress> macs = new ArrayList<>();
            JsonNode list = f.get("machines");
            if (list != null && !list.isNull() && !list.isMissingNode()) {
                if (!list.isArray()) {
                    problems = problems.append(new Problem("cluster.enrolment.machines", Fields.text(list),
                            "a list of MAC addresses"));
                } else {
                    for (int i = 0; i < list.size(); i++) {
                        try {
                            macs.add(MacAddress.parse(list.get(i).asText()));
                        } catch (RuntimeException e) {
                            problems = problems.append(new Problem("cluster.enrolment.machines[" + i + "]",
                                    Fields.text(list.get(i)), "a MAC address like 52:54:00:00:05:00"));
                        }
                    }
                }
            }
            JsonNode file = f.get("file");
            java.util.Optional<Path> path = java.util.Optional.empty();
            if (file != null && !file.isNull() && !file.isMissingNode()) {
                if (!file.isTextual() || !file.asText().startsWith("/")) {
                    problems = problems.append(new Problem("cluster.enrolment.file", Fields.text(file),
                            "an absolute path to a list of MACs"));
                } else {
                    path = java.util.Optional.of(Path.of(file.asText()));
                }
            }
            if (!problems.isEmpty()) {
                return Validation.invalid(policy.isInvalid() ? policy.getError().appendAll(problems) : problems);
            }
            java.util.Optional<Path> p = path;
            return policy.flatMap(pol -> Fields.attempt(() -> new EnrolmentSpec(pol, macs, p)));
        });
    }

    private static Validation<List<Problem>, EnrolmentSpec.Policy> policy(String at, JsonNode node) {
        if (node != null && node.isTextual()) {
            for (EnrolmentSpec.Policy p : EnrolmentSpec.Policy.values()) {
                if (p.word().equals(node.asText())) {
                    return Validation.valid(p);
                }
            }
        }
        return Fields.invalid(at, node, "one of auto, inventory, approve");
    }

    private static Validation<List<Problem>, ControlPlaneSpec> controlPlane(JsonNode node) {
        ControlPlaneSpec d = ControlPlaneSpec.DEFAULT;
        return Fields.of("cluster.controlPlane", node, Set.of("etcdMembers", "memberGrace")).flatMap(f -> Validation
                .combine(f.integer("etcdMembers", d.etcdMembers(), 0, 7), f.duration("memberGrace", d.memberGrace()))
                .ap((n, g) -> Fields.attempt(() -> new ControlPlaneSpec(n, g)))
                .mapError(seqs -> seqs.flatMap(x -> x).toList()).flatMap(v -> v));
    }

    private static Validation<List<Problem>, BootSpec> boot(JsonNode node) {
        BootSpec d = BootSpec.DEFAULT;
        return Fields.of("cluster.boot", node, Set.of("httpPort", "uefiBootFile", "biosBootFile", "arm64BootFile",
                "routerAdvertisementInterval", "routerLifetime", "preferredLifetime", "validLifetime")).flatMap(f -> Validation
                .combine(f.integer("httpPort", d.httpPort(), 1, 65535),
                        f.string("uefiBootFile", d.uefiBootFile()),
                        f.string("biosBootFile", d.biosBootFile()),
                        f.string("arm64BootFile", d.arm64BootFile()),
                        f.duration("routerAdvertisementInterval", d.routerAdvertisementInterval()),
                        f.duration("routerLifetime", d.routerLifetime()),
                        f.duration("preferredLifetime", d.preferredLifetime()),
                        f.duration("validLifetime", d.validLifetime()))
                .ap((p, u, b, a, ra, rl, pl, vl) -> Fields.attempt(() -> new BootSpec(p, u, b, a, ra, rl, pl, vl)))
                .mapError(seqs -> seqs.flatMap(x -> x).toList()).flatMap(v -> v));
    }
}
