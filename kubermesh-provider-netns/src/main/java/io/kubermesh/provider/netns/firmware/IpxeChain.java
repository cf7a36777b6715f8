package io.kubermesh.provider.netns.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
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

    /** Where the boot services' Ignition config puts the machine's phone-home URL. */
    static final String PHONE_HOME_FILE = "/etc/kubermesh/phone-home";
    private URI phoneHomeUrl;

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration READ = Duration.ofSeconds(20);

    /** How long the stand-in follows a script that waits and asks again (pending approval, no profile). */
    static final Duration WAIT_PATIENCE = Duration.ofMinutes(30);
    private static final Pattern SLEEP = Pattern.compile("(?m)^sleep (\\d+)$");

    public Result run(URI bootScript, MacAddress mac, String uuid) {
        long deadline = System.nanoTime() + WAIT_PATIENCE.toNanos();
        while (true) {
            Result r = once(bootScript, mac, uuid);
            if (r != null) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new SubstrateException("the node kept this machine waiting for " + WAIT_PATIENCE.toMinutes() + " minutes");
            }
        }
    }

    /**
     * One pass of the chain; null when the machine script says to wait and ask again (its
     * {@code echo} lines printed, its {@code sleep} slept, as iPXE would).
     */
    private Result once(URI bootScript, MacAddress mac, String uuid) {
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
        String script;
        try {
            script = get(bootScript.resolve(target));
        } catch (SubstrateException e) {
            // boot.ipxe's "|| goto retry": a refused or unanswered chain is asked again (the real
            // script waits IpxeScripts.RETRY_SECONDS; the lab asks again sooner to keep joins short).
            System.out.println("firmware: " + e.getMessage() + "; the node did not give a script, asking again in 2 s");
            pause(2);
            return null;
        }
        Matcher kernel = KERNEL.matcher(script);
        if (!kernel.find() && script.contains("sanboot")) {
            return new Result(script, JSON.createObjectNode(), null);
        }
        if (!kernel.find(0) && script.contains("chain boot.ipxe")) {
            script.lines().filter(l -> l.startsWith("echo ")).forEach(l -> System.out.println("firmware: " + l.substring(5)));
            Matcher sleep = SLEEP.matcher(script);
            pause(sleep.find() ? Math.min(Long.parseLong(sleep.group(1)), 60) : 5);
            return null;
        }
        kernel.reset();
        Matcher ignition = kernel.find() ? IGNITION.matcher(kernel.group(1)) : null;
        if (ignition == null || !ignition.find()) {
            throw new SubstrateException("the machine script installs nothing this lab can boot:\n" + script);
        }
        URI ignitionUrl = URI.create(ignition.group(1));
        try {
            Result r = new Result(script, JSON.readTree(getWaiting(ignitionUrl)), ignitionUrl);
            phoneHomeUrl = r.file(PHONE_HOME_FILE).map(String::strip).map(URI::create).orElse(null);
            return r;
        } catch (IOException e) {
            throw new SubstrateException("the Ignition config at " + ignitionUrl + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static void pause(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while the node kept this machine waiting");
        }
    }

    /**
     * Tells the server the machine's new state ({@code installed}, {@code joined}), at the URL its
     * Ignition config gave (it carries the machine's boot secret), else below {@code base}.
     */
    public void phoneHome(URI base, MacAddress mac, String state) {
        URI uri = phoneHomeUrl != null ? phoneHomeUrl : base.resolve("/machines/" + mac + "/phone-home");
        long deadline = System.nanoTime() + PHONE_HOME_PATIENCE.toNanos();
        while (true) {
            try {
                exchange(uri, "POST", "{\"state\":\"" + state + "\"}", 2);
                return;
            } catch (Refused e) {
                // 409: the machine's record changed under the server's compare-and-set (another
                // request about the same machine won); it says to retry, as the node OS does.
                if ((e.status != 409 && e.status != 503) || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("firmware: " + e.getMessage() + "; telling it again in 0.2 s");
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** How long a phone-home the server asks to retry (409, 503) is sent again. */
    static final Duration PHONE_HOME_PATIENCE = Duration.ofSeconds(20);

    /** {@code text} with the boot secret of any URL in it replaced: consoles and errors never show it. */
    static String redact(String text) {
        return text.replaceAll("secret=[^&\\s]*", "secret=<redacted>");
    }

    private String get(URI uri) {
        return exchange(uri, "GET", null, 200);
    }

    /** How long a refused Ignition fetch (403, 409, 503: the node cannot decide yet) is retried, as the node OS does. */
    static final Duration IGNITION_PATIENCE = Duration.ofSeconds(60);

    /**
     * The Ignition config, asked again every 2 s while the node answers that it cannot decide yet
     * (its enrolment waits for the cluster's certificate authority, or for an operator) or does
     * not answer in time (its etcd is slow or down): the boot chain of a real machine retries
     * the same way ({@code IpxeScripts}).
     */
    String getWaiting(URI uri) {
        long deadline = System.nanoTime() + IGNITION_PATIENCE.toNanos();
        while (true) {
            SubstrateException failure;
            try {
                return get(uri);
            } catch (Refused e) {
                if (e.status != 403 && e.status != 409 && e.status != 503) {
                    throw e;
                }
                failure = e;
            } catch (SubstrateException e) { // no answer: a read that timed out, a connection refused
                failure = e;
            }
            if (System.nanoTime() > deadline) {
                throw failure;
            }
            System.out.println("firmware: " + failure.getMessage() + "; asking again in 2 s");
            try {
                Thread.sleep(2000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /** An HTTP answer other than the one expected. */
    static final class Refused extends SubstrateException {
        final int status;

        Refused(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /**
     * One HTTP/1.1 exchange. HttpURLConnection rather than java.net.http: the firmware runs once
     * in a cold JVM, and java.net.http's client sets up TLS and a selector thread on creation
     * (about a second here) for plain-HTTP fetches that need neither.
     *
     * @param expect the status expected, or its first digit (2 for any 2xx)
     */
    private static String exchange(URI uri, String method, String json, int expect) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) CONNECT.toMillis());
            c.setReadTimeout((int) READ.toMillis());
            c.setRequestMethod(method);
            if (json != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(json.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            boolean ok = expect < 10 ? status / 100 == expect : status == expect;
            try (InputStream in = ok ? c.getInputStream() : c.getErrorStream()) {
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!ok) {
                    throw new Refused(redact(method + " " + uri + ": HTTP " + status + " " + body), status);
                }
                return body;
            }
        } catch (IOException e) {
            throw new SubstrateException(redact(method + " " + uri + ": " + e.getMessage()), e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
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
