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
 * an end of stream, so the port is opened again after a pause and the next host connection is
 * served.
 */
public final class VirtioControlPort implements AutoCloseable {
    /** The port's name as qemu/libvirt declare it: {@code <target type='virtio' name='io.kubermesh.agent.0'/>}. */
    public static final String NAME = "io.kubermesh.agent.0";
    public static final String DEVICE = "/dev/virtio-ports/" + NAME;
    private static final Logger LOG = LoggerFactory.getLogger(VirtioControlPort.class);
    private static final long REOPEN_MILLIS = 500;

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
            // One open for both directions: a virtio-serial port admits one open file at a time
            // (a second open fails with EBUSY).
            try (RandomAccessFile port = new RandomAccessFile(device.toFile(), "rw");
                 FileInputStream in = new FileInputStream(port.getFD());
                 FileOutputStream out = new FileOutputStream(port.getFD())) {
                failures = 0;
                ControlSession.serve(in, out, control);
            } catch (IOException e) {
                // Reported once per run of failures, not every half second.
                if (failures++ == 0) {
                    LOG.warn("virtio port {}: {}; trying again every {} ms", device, e.toString(), REOPEN_MILLIS);
                }
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
