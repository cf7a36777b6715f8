package io.kubermesh.agent.control;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control protocol on a VM's virtio-serial port ({@value #DEVICE}), the channel through
 * which the host (libvirt, which exposes the host end as a Unix socket) reaches the agent of a
 * VM without a route into the mesh. Served only when the device exists. A port is one stream
 * with no connections, and only one open file: when the host end is not connected the guest reads
 * an end of stream, so it is read again after a pause, and the next host connection is served on
 * the same open file.
 */
public final class VirtioControlPort implements AutoCloseable {
    /** The port's name as qemu/libvirt declare it: {@code <target type='virtio' name='io.kubermesh.agent.0'/>}. */
    public static final String NAME = "io.kubermesh.agent.0";
    public static final String DEVICE = "/dev/virtio-ports/" + NAME;
    private static final Logger LOG = LoggerFactory.getLogger(VirtioControlPort.class);
    private static final long REOPEN_MILLIS = 500;
    /** How often the port is read while no host is connected (each read returns end of stream at once). */
    private static final long POLL_MILLIS = 100;

    private final Thread thread;
    private volatile boolean closed;
    private int failures;

    private VirtioControlPort(Path device, AgentControl control) {
        thread = new Thread(() -> serve(device, control), "agent-virtio");
        thread.setDaemon(true);
        thread.start();
    }

    /** Serves {@code control} on {@code device} when it exists; otherwise nothing (not a VM, or no port declared). */
    public static java.util.Optional<VirtioControlPort> startIfPresent(Path device, AgentControl control) {
        if (!Files.exists(device)) {
            return java.util.Optional.empty();
        }
        LOG.info("control protocol on {}", device);
        return java.util.Optional.of(new VirtioControlPort(device, control));
    }

    private void serve(Path device, AgentControl control) {
        while (!closed) {
            // One open for both directions (a virtio-serial port admits one open file; a second open
            // fails with EBUSY), kept open from one host connection to the next: closing a port
            // discards what the host has already sent, so a request that arrives as the previous
            // connection ends would be lost. With no host connected a read returns end of stream at
            // once, so the port is read again after a pause.
            try (RandomAccessFile port = new RandomAccessFile(device.toFile(), "rw")) {
                FileInputStream in = new FileInputStream(port.getFD());
                FileOutputStream out = new FileOutputStream(port.getFD());
                failures = 0;
                while (!closed) {
                    try {
                        ControlSession.serve(in, out, control);
                    } catch (IOException e) {
                        LOG.debug("virtio port {}: the host went away during an answer: {}", device, e.toString());
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (IOException e) {
                // Reported once per run of failures, not at every retry.
                if (failures++ == 0) {
                    LOG.warn("virtio port {}: {}; trying again every {} ms", device, e.toString(), REOPEN_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(REOPEN_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
