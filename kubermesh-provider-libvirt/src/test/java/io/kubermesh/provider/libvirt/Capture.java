package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A tcpdump waiting for the first frame that matches a filter, on a host link or in a namespace. */
final class Capture implements AutoCloseable {
    private final Process process;
    private final String what;

    private Capture(Process process, String what) {
        this.process = process;
        this.what = what;
    }

    /** Starts capturing on {@code iface} (in namespace {@code netns}, or the host's when null). */
    static Capture start(String netns, String iface, String filter) {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("tcpdump", "-l", "-n", "-e", "-c", "1", "-i", iface, filter));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(500); // tcpdump opens its socket before it prints anything
            return new Capture(p, filter + " on " + iface);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tcpdump: apt-get install -y tcpdump", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The matching frame as tcpdump prints it; fails the test when none came within {@code seconds}. */
    String await(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                fail("no frame matching " + what + " within " + seconds + " s");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
