package io.kubermesh.image.node;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.CommandLine;
import io.kubermesh.image.internal.Command;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The node's kernel, programs and network as the setup uses them. */
class NodeSystem {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String read(String file) throws IOException {
        return Files.readString(Path.of(file));
    }

    void run(CommandLine command) {
        Command.of(command).timeout(600).run();
    }

    void runWithInput(String input, CommandLine command) {
        Command.of(command).timeout(600).run(input.getBytes(StandardCharsets.UTF_8));
    }

    /** The mesh ports ({@code clusterN}) this machine has, sorted. */
    List<String> meshPorts() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("cluster\\d+")).sorted().toList();
        }
    }

    /** The port holding the on-link route to {@code address} (from a router advertisement), or null. */
    String onLinkPort(String address) {
        String out;
        try {
            out = Command.of(HostRequirements.IP.args("-o", "-6", "route", "get", address)).timeout(10).run();
        } catch (RuntimeException e) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" dev (cluster\\d+)").matcher(out);
        return out.contains(" via ") || !m.find() ? null : m.group(1);
    }

    /** Adds an address (duplicate address detection on) and waits until it is usable. */
    void addAddress(String cidr, String dev) throws IOException, InterruptedException {
        run(HostRequirements.IP.args("-6", "addr", "add", cidr, "dev", dev, "valid_lft", "1800", "preferred_lft", "1800"));
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String out = Command.of(HostRequirements.IP.args("-o", "-6", "addr", "show", "dev", dev)).run();
            String line = out.lines().filter(l -> l.contains(" " + cidr + " ")).findFirst().orElse("");
            if (line.contains("dadfailed")) {
                throw new IOException(cidr + " on " + dev + " is in use by another host (DAD failed)");
            }
            if (!line.isEmpty() && !line.contains("tentative")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(cidr + " on " + dev + " still tentative after 10 s");
    }

    /** Whole disks from /sys/block. */
    List<InstallTarget.Disk> disks() throws IOException {
        List<InstallTarget.Disk> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            for (Path p : s.sorted().toList()) {
                long sectors = Long.parseLong(Files.readString(p.resolve("size")).strip());
                boolean removable = Files.readString(p.resolve("removable")).strip().equals("1");
                out.add(new InstallTarget.Disk(p.getFileName().toString(), sectors * 512, removable));
            }
        }
        return out;
    }

    boolean isMountPoint(Path dir) throws IOException {
        String d = dir.toString();
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(l -> l.split(" ")[1].equals(d));
    }

    String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new HttpStatusException(r.statusCode(), "HTTP " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body();
    }

    /** An answer other than 200: the status tells a refusal (4xx) from a server that cannot answer yet (5xx). */
    static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpStatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** True for 5xx: the server may answer otherwise when asked again. */
        boolean transient5xx() {
            return status >= 500 && status <= 599;
        }
    }

    String post(String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new HttpStatusException(r.statusCode(), "POST " + url + ": HTTP " + r.statusCode() + ": " + r.body().strip());
        }
        return r.body();
    }

    long download(String url, Path file) throws IOException, InterruptedException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
        if (r.statusCode() != 200) {
            Files.deleteIfExists(tmp);
            throw new IOException("GET " + url + ": HTTP " + r.statusCode());
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Files.size(file);
    }
}
