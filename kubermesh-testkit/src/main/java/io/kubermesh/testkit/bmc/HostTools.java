package io.kubermesh.testkit.bmc;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the BMC emulators need from the host: programs (or the install line), free loopback ports, root. */
public final class HostTools {
    private HostTools() {
    }

    /** Fails (never skips) with the apt-get line when {@code program} is not on this host. */
    public static void require(String program, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new AssertionError(program + " is missing: apt-get install -y " + debianPackage);
    }

    /** Fails unless running as root (raw sockets, namespaces). */
    public static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("this test needs root (raw sockets, network namespaces): run it as root");
        }
    }

    /**
     * Fails, saying what to install, unless this host can run a site whose gateway is on this host
     * and whose machines are VMs behind BMC emulators: root, ipmitool, etcd, and the NIC's iPXE ROM.
     */
    public static void requireSiteLab() {
        requireRoot();
        require("ipmitool", "ipmitool");
        require("etcd", "etcd-server");
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/ipxe/qemu/pxe-e1000.rom"))) {
            throw new AssertionError("the NIC's iPXE ROM is missing: apt-get install -y ipxe-qemu");
        }
    }

    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs a command to its end (at most {@code seconds}); returns its output, failing on a non-zero exit. */
    public static String run(int seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Deletes a tree, ignoring what is already gone. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // A socket qemu still holds open; the directory is a temporary one.
                }
            });
        } catch (IOException e) {
            // Best effort, as above.
        }
    }
}
