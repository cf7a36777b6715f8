package io.kubermesh.controlplane.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.BootSpec;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.RoutingSpec;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Writes a {@link ClusterSpec} back as the cluster YAML that
 * {@link io.kubermesh.addressing.config.ClusterConfig#parse} reads, every field explicit, so the
 * agent on every node reads exactly the spec the manifests were rendered from.
 */
public final class ClusterYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private ClusterYaml() {
    }

    /** The YAML text of {@code spec}. */
    public static String write(ClusterSpec spec) {
        ObjectNode root = YAML.createObjectNode();
        ObjectNode c = root.putObject("cluster");
        c.put("name", spec.name());
        ObjectNode v6 = c.putObject("ipv6");
        v6.put("prefix", spec.prefix().toString());
        ObjectNode layout = v6.putObject("layout");
        layout.put("hostOffset", spec.layout().hostOffset());
        layout.put("portOffset", spec.layout().portOffset());
        layout.put("ports", spec.layout().ports());
        ObjectNode any = c.putObject("anycast");
        any.put("prefix", spec.anycastPrefix().toString());
        ArrayNode services = any.putArray("services");
        for (AnycastService s : spec.services()) {
            ObjectNode n = services.addObject();
            n.put("name", s.name());
            s.address().ifPresent(a -> n.put("address", a.toString()));
            n.put("port", s.port());
            ObjectNode check = n.putObject("check");
            if (s.check() instanceof HealthCheck.Http) {
                check.put("http", ((HealthCheck.Http) s.check()).path());
            } else if (s.check() instanceof HealthCheck.Https https) {
                check.put("https", https.path());
            } else if (s.check() instanceof HealthCheck.Command) {
                ArrayNode argv = check.putArray("command");
                ((HealthCheck.Command) s.check()).argv().forEach(argv::add);
            } else {
                check.put("tcp", true);
            }
            n.put("interval", duration(s.interval()));
            n.put("rise", s.rise());
            n.put("fall", s.fall());
            n.put("expected", s.expected().id());
        }
        ObjectNode v4 = c.putObject("ipv4");
        v4.put("nodePool", spec.ipv4().nodePool().toString());
        v4.put("podPool", spec.ipv4().podPool().toString());
        v4.put("podPrefixLength", spec.ipv4().podPrefixLength());
        RoutingSpec r = spec.routing();
        ObjectNode routing = c.putObject("routing");
        routing.put("daemon", r.daemon().id());
        routing.put("hello", duration(r.hello()));
        routing.put("dead", duration(r.dead()));
        ObjectNode bfd = routing.putObject("bfd");
        bfd.put("interval", duration(r.bfdInterval()));
        bfd.put("multiplier", r.bfdMultiplier());
        BootSpec b = spec.boot();
        ObjectNode boot = c.putObject("boot");
        boot.put("httpPort", b.httpPort());
        boot.put("uefiBootFile", b.uefiBootFile());
        boot.put("biosBootFile", b.biosBootFile());
        boot.put("arm64BootFile", b.arm64BootFile());
        boot.put("routerAdvertisementInterval", duration(b.routerAdvertisementInterval()));
        boot.put("routerLifetime", duration(b.routerLifetime()));
        boot.put("preferredLifetime", duration(b.preferredLifetime()));
        boot.put("validLifetime", duration(b.validLifetime()));
        ObjectNode controlPlane = c.putObject("controlPlane");
        controlPlane.put("etcdMembers", spec.controlPlane().etcdMembers());
        controlPlane.put("memberGrace", duration(spec.controlPlane().memberGrace()));
        ObjectNode enrolment = c.putObject("enrolment");
        enrolment.put("policy", spec.enrolment().policy().word());
        if (!spec.enrolment().machines().isEmpty()) {
            ArrayNode macs = enrolment.putArray("machines");
            spec.enrolment().machines().forEach(m -> macs.add(m.toString()));
        }
        spec.enrolment().file().ifPresent(f -> enrolment.put("file", f.toString()));
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The largest unit that states the duration exactly: 1h, 5m, 4s, 100ms. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
