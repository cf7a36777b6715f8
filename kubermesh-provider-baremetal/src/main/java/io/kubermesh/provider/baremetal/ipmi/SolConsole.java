package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The machine's serial console over IPMI Serial-over-LAN (section 15): activates the SOL payload,
 * acknowledges every character packet the BMC sends (a BMC retransmits what is not acknowledged,
 * so a retransmission is acknowledged again but delivered once), and hands the characters on line
 * by line. Closing deactivates the payload.
 */
final class SolConsole implements AutoCloseable {
    private final IpmiLan lan;
    private final Consumer<String> output;
    private final StringBuilder line = new StringBuilder();
    private int lastSequence = -1;

    private SolConsole(IpmiLan lan, Consumer<String> output) {
        this.lan = lan;
        this.output = output;
    }

    static SolConsole open(IpmiLan lan, String bmc, Consumer<String> output) {
        SolConsole console = new SolConsole(lan, output);
        lan.onSol(console::receive);
        byte[] r = lan.request(IpmiMessage.NETFN_APP, Chassis.ACTIVATE_PAYLOAD, Chassis.activateSol(), "Activate Payload (SOL)");
        if ((r[0] & 0xFF) == 0x80) {
            // A console left active by an earlier session that ended without deactivating it.
            lan.request(IpmiMessage.NETFN_APP, Chassis.DEACTIVATE_PAYLOAD, Chassis.deactivateSol(), "Deactivate Payload (SOL)");
            r = lan.request(IpmiMessage.NETFN_APP, Chassis.ACTIVATE_PAYLOAD, Chassis.activateSol(), "Activate Payload (SOL)");
        }
        if ((r[0] & 0xFF) != 0) {
            lan.onSol(null);
            throw new PowerException(Reason.REFUSED, bmc + " refused to open the serial console: " + Chassis.completion(r[0] & 0xFF));
        }
        return console;
    }

    private synchronized void receive(SolPacket p) {
        if (p.sequence() == 0) {
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

    @Override
    public synchronized void close() {
        lan.onSol(null);
        if (line.length() > 0) {
            flush();
        }
        try {
            lan.request(IpmiMessage.NETFN_APP, Chassis.DEACTIVATE_PAYLOAD, Chassis.deactivateSol(), "Deactivate Payload (SOL)");
        } catch (RuntimeException e) {
            // The session ends soon anyway, and the BMC deactivates the payload with it.
        }
    }
}
