package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's serial console over IPMI Serial-over-LAN (section 15): activates the SOL payload,
 * acknowledges every character packet the BMC sends (a BMC retransmits what is not acknowledged,
 * so a retransmission is acknowledged again but delivered once), and hands the characters on line
 * by line. While it is open it keeps the session alive with a request every {@link #KEEPALIVE}.
 * Closing deactivates the payload.
 */
final class SolConsole implements AutoCloseable {
    /**
     * A BMC closes an inactive session, and the SOL payload with it. OpenIPMI's ipmi_sim does so
     * after 30 s without an IPMI message, however much SOL traffic flows (only IPMI-payload messages
     * reset its timer). ipmitool sends Get Device ID every 15 s while SOL is active; so do we.
     */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(SolConsole.class);

    private final IpmiLan lan;
    private final String bmc;
    private final Consumer<String> output;
    private final StringBuilder line = new StringBuilder();
    private final ScheduledExecutorService keepalive;
    private int lastSequence = -1;
    private boolean keepaliveFailed;
    private boolean closed;

    private SolConsole(IpmiLan lan, String bmc, Consumer<String> output) {
        this.lan = lan;
        this.bmc = bmc;
        this.output = output;
        this.keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kubermesh-sol-keepalive-" + bmc);
            t.setDaemon(true);
            return t;
        });
    }

    static SolConsole open(IpmiLan lan, String bmc, Consumer<String> output) {
        SolConsole console = new SolConsole(lan, bmc, output);
        lan.onSol(console::receive);
        byte[] r = lan.request(IpmiMessage.NETFN_APP, Chassis.ACTIVATE_PAYLOAD, Chassis.activateSol(), "Activate Payload (SOL)");
        if ((r[0] & 0xFF) == 0x80) {
            // A console left active by an earlier session that ended without deactivating it.
            lan.request(IpmiMessage.NETFN_APP, Chassis.DEACTIVATE_PAYLOAD, Chassis.deactivateSol(), "Deactivate Payload (SOL)");
            r = lan.request(IpmiMessage.NETFN_APP, Chassis.ACTIVATE_PAYLOAD, Chassis.activateSol(), "Activate Payload (SOL)");
        }
        if ((r[0] & 0xFF) != 0) {
            lan.onSol(null);
            console.keepalive.shutdown();
            throw new PowerException(Reason.REFUSED, bmc + " refused to open the serial console: " + Chassis.completion(r[0] & 0xFF));
        }
        console.keepalive.scheduleAtFixedRate(console::keepAlive, KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
        return console;
    }

    private void keepAlive() {
        try {
            lan.request(IpmiMessage.NETFN_APP, Chassis.GET_DEVICE_ID, new byte[0], "Get Device ID (SOL keepalive)");
            keepaliveFailed = false;
        } catch (RuntimeException e) {
            // Tried again at the next period; said once, since a BMC that closed the session stays silent.
            if (!keepaliveFailed) {
                LOG.warn("{}: the serial console's keepalive failed, its output may stop: {}", bmc, e.getMessage());
            }
            keepaliveFailed = true;
        }
    }

    private synchronized void receive(SolPacket p) {
        if (closed || p.sequence() == 0) {
            return;
        }
        lan.sendSol(SolPacket.ack(p));
        if (p.sequence() == lastSequence) {
            return;
        }
        lastSequence = p.sequence();
        for (char c : new String(p.data(), StandardCharsets.ISO_8859_1).toCharArray()) {
            if (c == '\n') {
                flush();
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    private void flush() {
        output.accept(line.toString());
        line.setLength(0);
    }

    /**
     * Stops the console: no more output after it returns, then the payload is deactivated. The
     * deactivation waits for its answer outside this console's lock: the thread that reads the
     * BMC's answers may be waiting for that lock with the last SOL packet (handed over before
     * {@code onSol(null)}), and holding it would stall the answer until the request's time-out.
     */
    @Override
    public void close() {
        // Cancels the next keepalive; one under way finishes first (the requests take turns), unharmed by an interrupt.
        keepalive.shutdown();
        lan.onSol(null);
        synchronized (this) {
            closed = true;
            if (line.length() > 0) {
                flush();
            }
        }
        try {
            lan.request(IpmiMessage.NETFN_APP, Chassis.DEACTIVATE_PAYLOAD, Chassis.deactivateSol(), "Deactivate Payload (SOL)");
        } catch (RuntimeException e) {
            // The session ends soon anyway, and the BMC deactivates the payload with it.
        }
    }
}
