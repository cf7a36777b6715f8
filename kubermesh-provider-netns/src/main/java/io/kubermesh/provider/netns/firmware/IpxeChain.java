package io.kubermesh.provider.netns.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What iPXE does after DHCP, for the lab: fetch {@code boot.ipxe}, follow its {@code chain} with
 * iPXE's variables expanded, read the installer's kernel line for the Ignition URL, fetch the
 * Ignition config (served only to this MAC on this port), and phone home.
 */
public final class IpxeChain {
    private static final Pattern CHAIN = Pattern.compile("(?m)^chain\\s+(\\S+)");
    private static final Pattern KERNEL = Pattern.compile("(?m)^kernel\\s+(.*)$");
    private static final Pattern IGNITION = Pattern.compile("ignition\\.config\\.url=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the chain gave: the scripts seen and the files of the Ignition config. */
    public record Result(String machineScript, JsonNode ignition, URI ignitionUrl) {
        /** The server said: this machine is installed, boot from its disk (no installer, no Ignition). */
        public boolean fromDisk() {
            return ignitionUrl == null;
        }

        /** The contents of the Ignition file at {@code path}, decoded from its RFC 2397 data URL. */
        public Optional<String> file(String path) {
            for (JsonNode f : ignition.path("storage").path("files")) {
                if (path.equals(f.path("path").asText())) {
                    return Optional.of(decodeDataUrl(f.path("contents").path("source").asText()));
                }
            }
            return Optional.empty();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public Result run(URI bootScript, MacAddress mac, String uuid) {
        String boot = get(bootScript);
        Matcher chain = CHAIN.matcher(boot);
        if (!chain.find()) {
            throw new SubstrateException("boot.ipxe has no chain line:\n" + boot);
        }
        String target = chain.group(1)
                .replace("${mac:hexhyp}", mac.toString().replace(':', '-'))
                .replace("${mac}", mac.toString())
                .replace("${uuid}", uuid)
                .replace("${buildarch}", "x86_64")
                .replace("${serial:uristring}", "lab")
                .replace("${serial}", "lab");
        String script = get(bootScript.resolve(target));
        Matcher kernel = KERNEL.matcher(script);
        if (!kernel.find() && script.contains("sanboot")) {
            return new Result(script, JSON.createObjectNode(), null);
        }
        kernel.reset();
        Matcher ignition = kernel.find() ? IGNITION.matcher(kernel.group(1)) : null;
        if (ignition == null || !ignition.find()) {
            throw new SubstrateException("the machine script installs nothing this lab can boot:\n" + script);
        }
        URI ignitionUrl = URI.create(ignition.group(1));
        try {
            return new Result(script, JSON.readTree(get(ignitionUrl)), ignitionUrl);
        } catch (IOException e) {
            throw new SubstrateException("the Ignition config at " + ignitionUrl + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Tells the server the machine's new state ({@code installed}, {@code joined}). */
    public void phoneHome(URI base, MacAddress mac, String state) {
        URI uri = base.resolve("/machines/" + mac + "/phone-home");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new SubstrateException("phone-home " + state + " to " + uri + ": HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new SubstrateException("phone-home to " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted");
        }
    }

    private String get(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new SubstrateException("GET " + uri + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new SubstrateException("GET " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted");
        }
    }

    static String decodeDataUrl(String url) {
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0) {
            throw new SubstrateException("not a data URL: " + url);
        }
        String meta = url.substring(5, comma);
        String data = url.substring(comma + 1);
        if (meta.endsWith(";base64")) {
            return new String(java.util.Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        }
        return URLDecoder.decode(data.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
