package io.kubermesh.boot.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A tiny initramfs (busybox-static + cpio, gzip) whose {@code /init} loads the virtio network
 * modules, configures the IPv6 address given on the kernel command line
 * ({@code km.addr=ADDR/LEN km.gw=ADDR km.url=URL}), fetches {@code km.url} with busybox wget,
 * prints {@code KUBERMESH-MARKER <what it fetched>} on the serial console and powers off.
 */
public final class BusyboxInitramfs {
    /** The line the VM prints; the test waits for it. */
    public static final String MARKER = "KUBERMESH-MARKER";

    private BusyboxInitramfs() {
    }

    static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            mkdir -p /proc /sys /dev /tmp
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            for m in $(cat /modules.load); do insmod /lib/modules/$m || echo "kubermesh-init: insmod $m failed"; done
            for arg in $(cat /proc/cmdline); do
              case "$arg" in
                km.addr=*) ADDR="${arg#km.addr=}" ;;
                km.gw=*) GW="${arg#km.gw=}" ;;
                km.url=*) URL="${arg#km.url=}" ;;
              esac
            done
            IF=eth0
            n=0; while [ ! -e /sys/class/net/$IF ] && [ $n -lt 50 ]; do sleep 0.2; n=$((n+1)); done
            echo 0 > /proc/sys/net/ipv6/conf/$IF/accept_dad 2>/dev/null
            ip link set lo up
            ip link set $IF up
            ip -6 addr add "$ADDR" dev $IF
            [ -n "$GW" ] && ip -6 route add default via "$GW" dev $IF
            echo "kubermesh-init: $IF $ADDR via $GW, fetching $URL"
            ip -6 addr show dev $IF
            n=0; OK=
            while [ $n -lt 20 ]; do
              # busybox 1.35 static wget segfaults with -T; bound it with timeout instead
              if timeout 10 wget -q -O /tmp/fetched "$URL"; then OK=1; break; fi
              sleep 1; n=$((n+1))
            done
            if [ -n "$OK" ]; then
              echo "KUBERMESH-MARKER $(head -c 200 /tmp/fetched | tr '\\n' ' ')"
            else
              echo "KUBERMESH-FAILED could not fetch $URL"
            fi
            sync
            poweroff -f
            """;

    /** Builds {@code out} (a gzip'd newc cpio) for {@code kernel}. */
    public static Path build(DebianKernel kernel, Path out) {
        Exec.require("cpio", "cpio");
        Exec.require("gzip", "gzip");
        Path busybox = Path.of("/usr/bin/busybox");
        if (!Files.isExecutable(busybox) || !Exec.run(10, "sh", "-c", "file -L " + busybox + " 2>/dev/null || echo static")
                .output().contains("static")) {
            throw new AssertionError("a static busybox is needed at /usr/bin/busybox: apt-get install -y busybox-static");
        }
        try {
            Path stage = Files.createTempDirectory("kmbt-initramfs");
            try {
                Files.createDirectories(stage.resolve("bin"));
                Files.createDirectories(stage.resolve("lib/modules"));
                Files.copy(busybox, stage.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
                StringBuilder load = new StringBuilder();
                List<Path> mods = kernel.moduleClosure("virtio_pci", "virtio_net");
                for (Path ko : mods) {
                    Files.copy(ko, stage.resolve("lib/modules").resolve(ko.getFileName()));
                    load.append(ko.getFileName()).append('\n');
                }
                Files.writeString(stage.resolve("modules.load"), load);
                Path init = stage.resolve("init");
                Files.writeString(init, INIT);
                Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.createDirectories(out.toAbsolutePath().getParent());
                Exec.run(120, "sh", "-c", "cd '" + stage + "' && find . | cpio -o -H newc --quiet | gzip -1 > '"
                        + out.toAbsolutePath() + "'").orThrow();
                return out;
            } finally {
                try (var s = Files.walk(stage)) {
                    s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
