package io.kubermesh.addressing.site;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.addressing.config.Fields;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.BmcCredentials;
import io.kubermesh.spi.BmcSecret;
import io.kubermesh.spi.PowerTarget;
import io.kubermesh.spi.TlsTrust;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code bmc} of one machine: its address, credentials by reference, TLS trust, or Wake-on-LAN. */
final class Bmcs {
    private static final Set<String> FIELDS = Set.of("address", "username", "passwordFile", "passwordEnv", "password",
            "tls", "mac", "port", "interface");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SYSTEM = Pattern.compile("/redfish/v1/Systems/([A-Za-z0-9._-]+)/?");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9._@-]{1,15}");
    private static final String ADDRESSES = "ipmi://HOST[:623], redfish://HOST[:443][/redfish/v1/Systems/ID] or wol";

    private Bmcs() {
    }

    static Validation<List<Problem>, PowerTarget> read(SiteConfig.MachinePart m, java.util.List<Topology.Cable> cables,
                                                       SiteConfig.Context ctx) {
        String at = m.path() + ".bmc";
        return Fields.of(at, m.bmc(), FIELDS).flatMap(f -> {
            if (f.has("password")) {
                return Fields.invalid(f.path("password"), null, "no inline password: give passwordFile (a file of mode 0600)"
                        + " or passwordEnv (an environment variable) instead");
            }
            return f.string("address", null).flatMap(address -> "wol".equals(address)
                    ? wakeOnLan(m, f, cables) : network(m, f, address, ctx));
        });
    }

    private static Validation<List<Problem>, PowerTarget> network(SiteConfig.MachinePart m, Fields f, String text,
                                                                  SiteConfig.Context ctx) {
        List<Problem> wrong = notFor(f, "an ipmi:// or redfish:// BMC", "mac", "port", "interface");
        Validation<List<Problem>, BmcAddress> address = address(f.path("address"), f.get("address"), text);
        boolean redfish = address.isValid() && address.get() instanceof BmcAddress.Redfish;
        Validation<List<Problem>, Optional<TlsTrust>> tls;
        if (redfish) {
            tls = tls(f.path("tls"), f.get("tls"), ctx).map(Optional::of);
        } else if (address.isInvalid()) {
            tls = Validation.valid(Optional.empty());
        } else {
            tls = f.has("tls") ? Fields.invalid(f.path("tls"), f.get("tls"), "no tls: IPMI has no TLS (only redfish:// takes tls)")
                    : Validation.valid(Optional.empty());
        }
        Validation<List<Problem>, BmcCredentials> credentials = credentials(f, ctx);
        Validation<List<Problem>, PowerTarget> target = Validation.combine(address, credentials, tls)
                .ap((a, c, t) -> new PowerTarget(m.name(), a, Optional.of(c), t))
                .mapError(seqs -> seqs.flatMap(x -> x).toList());
        return wrong.isEmpty() ? target : Validation.invalid(wrong.appendAll(target.isInvalid() ? target.getError() : List.empty()));
    }

    static Validation<List<Problem>, BmcAddress> address(String at, JsonNode node, String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            return Fields.invalid(at, node, ADDRESSES);
        }
        String scheme = uri.getScheme();
        if (uri.getRawUserInfo() != null) {
            return Fields.invalid(at, null, "no credentials in the address (give username and passwordFile or "
                    + "passwordEnv); the value is not repeated here because it holds them");
        }
        if (scheme == null || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Fields.invalid(at, node, ADDRESSES);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        switch (scheme) {
            case "ipmi":
                if (!path.isEmpty() && !path.equals("/")) {
                    return Fields.invalid(at, node, "ipmi://HOST[:PORT] with no path");
                }
                return Validation.valid(new BmcAddress.Ipmi(host, uri.getPort() < 0 ? BmcAddress.Ipmi.DEFAULT_PORT : uri.getPort()));
            case "redfish":
                Optional<String> system = Optional.empty();
                if (!path.isEmpty() && !path.equals("/")) {
                    var matcher = SYSTEM.matcher(path);
                    if (!matcher.matches()) {
                        return Fields.invalid(at, node, "redfish://HOST[:PORT] or redfish://HOST[:PORT]/redfish/v1/Systems/ID");
                    }
                    system = Optional.of(matcher.group(1));
                }
                return Validation.valid(new BmcAddress.Redfish(host, uri.getPort() < 0 ? BmcAddress.Redfish.DEFAULT_PORT
                        : uri.getPort(), system));
            default:
                return Fields.invalid(at, node, ADDRESSES);
        }
    }

    private static Validation<List<Problem>, BmcCredentials> credentials(Fields f, SiteConfig.Context ctx) {
        Validation<List<Problem>, String> user = f.string("username", null);
        Validation<List<Problem>, BmcSecret> secret;
        if (f.has("passwordFile") == f.has("passwordEnv")) {
            secret = Fields.invalid(f.path(f.has("passwordFile") ? "passwordEnv" : "passwordFile"), null,
                    "exactly one of passwordFile (a file of mode 0600) and passwordEnv (an environment variable)");
        } else if (f.has("passwordFile")) {
            secret = f.string("passwordFile", null).flatMap(p -> {
                FileSecret s = new FileSecret(f.path("passwordFile"), ctx.resolve(p));
                return Fields.attempt(() -> {
                    s.check();
                    return s;
                });
            });
        } else {
            secret = f.string("passwordEnv", null).flatMap(v -> {
                if (!VARIABLE.matcher(v).matches()) {
                    return Fields.invalid(f.path("passwordEnv"), f.get("passwordEnv"), "an environment variable name like KM_BMC_NODE1");
                }
                EnvironmentSecret s = new EnvironmentSecret(f.path("passwordEnv"), v, ctx.environment());
                return Fields.attempt(() -> {
                    s.check();
                    return s;
                });
            });
        }
        return Validation.combine(user, secret).ap(BmcCredentials::new).mapError(seqs -> seqs.flatMap(x -> x).toList());
    }

    private static Validation<List<Problem>, TlsTrust> tls(String at, JsonNode node, SiteConfig.Context ctx) {
        if (node == null) {
            return Fields.invalid(at, null, "the BMC's TLS identity: {fingerprint: \"sha256:AB:CD:…\"} (its certificate pinned)"
                    + " or {caFile: FILE} (this field is required for redfish://)");
        }
        return Fields.of(at, node, Set.of("fingerprint", "caFile")).flatMap(f -> {
            if (f.has("fingerprint") == f.has("caFile")) {
                return Fields.invalid(at, node, "exactly one of fingerprint and caFile");
            }
            if (f.has("fingerprint")) {
                return f.string("fingerprint", null).flatMap(fp -> fingerprint(f.path("fingerprint"), f.get("fingerprint"), fp));
            }
            return f.string("caFile", null).flatMap(p -> {
                Path file = ctx.resolve(p);
                return Files.isRegularFile(file) && Files.isReadable(file) ? Validation.valid(new TlsTrust.CaFile(file))
                        : Fields.invalid(f.path("caFile"), f.get("caFile"), "a readable file of PEM CA certificates");
            });
        });
    }

    static Validation<List<Problem>, TlsTrust> fingerprint(String at, JsonNode node, String text) {
        String hex = text.trim();
        if (hex.regionMatches(true, 0, "sha256:", 0, 7)) {
            hex = hex.substring(7);
        }
        hex = hex.replace(":", "");
        if (!hex.matches("[0-9A-Fa-f]{64}")) {
            return Fields.invalid(at, node, "the SHA-256 fingerprint of the BMC's certificate, 32 hex octets "
                    + "(sha256:AB:CD:… as openssl x509 -noout -fingerprint -sha256 prints it)");
        }
        return Validation.valid(new TlsTrust.PinnedCertificate(HexFormat.of().parseHex(hex)));
    }

    private static Validation<List<Problem>, PowerTarget> wakeOnLan(SiteConfig.MachinePart m, Fields f,
                                                                    java.util.List<Topology.Cable> cables) {
        List<Problem> wrong = notFor(f, "Wake-on-LAN (it has no BMC to log in to)", "username", "passwordFile",
                "passwordEnv", "tls");
        Validation<List<Problem>, MacAddress> mac = f.has("mac")
                ? f.string("mac", null).flatMap(t -> Fields.attempt(() -> MacAddress.parse(f.path("mac"), t)))
                .flatMap(x -> m.nics().contains(x) ? Validation.valid(x)
                        : Fields.invalid(f.path("mac"), f.get("mac"), "one of the machine's NICs " + m.nics()))
                : Validation.valid(m.nics().get(0));
        if (mac.isInvalid()) {
            return Validation.invalid(wrong.appendAll(mac.getError()));
        }
        PortRef own = new PortRef(m.name(), m.nics().indexOf(mac.get()));
        Optional<PortRef> cabled = cables.stream().filter(c -> c.a().equals(own) || c.b().equals(own))
                .map(c -> c.a().equals(own) ? c.b() : c.a()).findFirst();
        Validation<List<Problem>, PortRef> port;
        if (f.has("port")) {
            String text = f.get("port").asText().trim();
            port = cabled.filter(p -> p.toString().equals(text)).<Validation<List<Problem>, PortRef>>map(Validation::valid)
                    .orElseGet(() -> Fields.invalid(f.path("port"), f.get("port"), "the port " + own + " is cabled to in "
                            + "site.cables" + cabled.map(p -> " (" + p + ")").orElse("; no cable there reaches " + own)));
        } else {
            port = cabled.<Validation<List<Problem>, PortRef>>map(Validation::valid).orElseGet(() -> Fields.invalid(
                    f.path("port"), null, "the port the magic packet leaves from: a cable in site.cables must reach " + own));
        }
        // The interface of a mesh port is clusterI (ARCHITECTURE.md, the address plan); a host whose
        // NICs are named otherwise says which one with interface:.
        Validation<List<Problem>, PowerTarget> target = port.flatMap(p -> f.string("interface", "cluster" + p.port())
                .flatMap(i -> INTERFACE.matcher(i).matches() ? Validation.valid(i)
                        : Fields.invalid(f.path("interface"), f.get("interface"), "a network interface name of 1..15 characters"))
                .map(i -> new PowerTarget(m.name(), new BmcAddress.WakeOnLan(mac.get(), i, p.toString()),
                        Optional.empty(), Optional.empty())));
        return wrong.isEmpty() ? target : Validation.invalid(wrong.appendAll(target.isInvalid() ? target.getError() : List.empty()));
    }

    private static List<Problem> notFor(Fields f, String what, String... fields) {
        return List.of(fields).filter(f::has).map(x -> new Problem(f.path(x), x.startsWith("password") ? null
                : Fields.text(f.get(x)), "not a field of " + what));
    }
}
