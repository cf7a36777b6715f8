package io.kubermesh.boot.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.internal.LogText;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;

/** The routes of {@link BootHttpServer} that read or change machine records: the script, Ignition, phone-home, reset. */
final class MachineScripts {
    private static final Logger LOG = LoggerFactory.getLogger(BootHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MachineScripts() {
    }

    static void ipxe(MachineService machines, Reply reply, Query q, String port, String base) {
        MacAddress mac = MacAddress.parse("mac", q.get("mac"));
        MachineService.Facts f = new MachineService.Facts(mac, q.get("uuid", ""), q.get("buildarch", ""),
                q.get("serial", ""));
        MachineService.Decision d = machines.boot(f, port);
        if (d instanceof MachineService.Decision.Install i) {
            reply.text(200, IpxeScripts.install(i.profile(), i.machine(), base, i.bootSecret()),
                    "installer of profile " + i.profile().id() + " for " + mac + " via " + i.why());
        } else if (d instanceof MachineService.Decision.BootDisk b) {
            reply.text(200, IpxeScripts.disk(b.machine()), "boot from disk: " + mac + " is " + b.machine().state());
        } else if (d instanceof MachineService.Decision.Pending p) {
            reply.text(200, IpxeScripts.pending(p.machine()), "enrolment pending: " + mac + " waits for approval");
        } else if (d instanceof MachineService.Decision.NoProfile n) {
            LOG.warn("HTTP no profile for {} (uuid {}, arch {}, serial {}) on port {}: {}", mac, LogText.escape(f.uuid()),
                    LogText.escape(f.arch()), LogText.escape(f.serial()), port, LogText.escape(n.why()));
            reply.text(200, IpxeScripts.noProfile(n.why()), "no profile: " + n.why());
        } else if (d instanceof MachineService.Decision.Refused r) {
            reply.text(r.httpStatus(), "refused: " + r.why() + "\n", "script refused: " + r.why());
        } else {
            MachineService.Decision.Unavailable u = (MachineService.Decision.Unavailable) d;
            reply.text(503, "unavailable: " + u.why() + "\n", "script unavailable: " + u.why());
        }
    }

    static void ignition(MachineService machines, Reply reply, Query q, String port, String base) {
        MacAddress mac = MacAddress.parse("mac", q.get("mac"));
        MachineService.Access<String> a = machines.ignition(mac, port, q.get("secret", ""), base);
        if (a instanceof MachineService.Access.Granted<String> g) {
            // the config carries the machine's secrets: the log says only that it went out
            reply.json(200, g.value(), "Ignition of " + mac);
        } else {
            MachineService.Access.Denied<String> d = (MachineService.Access.Denied<String>) a;
            reply.text(d.httpStatus(), "refused: " + d.why() + "\n", "Ignition refused: " + d.why());
        }
    }

    static void phoneHome(MachineService machines, Reply reply, Exchange ex, MacAddress mac, Query q, String port) {
        String stateText;
        try {
            stateText = JSON.readTree(ex.body).path("state").asText("");
        } catch (IOException e) {
            reply.text(400, "phone-home body is JSON like {\"state\":\"installed\"}\n", "bad JSON");
            return;
        }
        MachineState state;
        try {
            state = MachineState.valueOf(stateText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            reply.text(400, "state must be one of discovered, installing, installed, joined\n", "bad state " + stateText);
            return;
        }
        String secret = q.get("secret", bearer(ex));
        MachineService.Access<Machine> a = machines.phoneHome(mac, port, secret, state);
        if (a instanceof MachineService.Access.Granted<Machine> g) {
            reply.json(200, BootHttpServer.json(g.value()).toPrettyString(), "phone-home: " + mac + " now " + state);
        } else {
            MachineService.Access.Denied<Machine> d = (MachineService.Access.Denied<Machine>) a;
            reply.text(d.httpStatus(), "refused: " + d.why() + "\n", "phone-home refused: " + d.why());
        }
    }

    static void reset(MachineService machines, Reply reply, MacAddress mac) {
        MachineService.Access<Machine> a = machines.reset(mac);
        if (a instanceof MachineService.Access.Granted<Machine> g) {
            reply.json(200, BootHttpServer.json(g.value()).toPrettyString(), "reset: " + mac + " is discovered again");
        } else {
            MachineService.Access.Denied<Machine> d = (MachineService.Access.Denied<Machine>) a;
            reply.text(d.httpStatus(), "refused: " + d.why() + "\n", "reset refused: " + d.why());
        }
    }

    /** The secret of an {@code Authorization: Bearer} header, or empty. */
    private static String bearer(Exchange ex) {
        String h = ex.headers.get("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
    }
}
