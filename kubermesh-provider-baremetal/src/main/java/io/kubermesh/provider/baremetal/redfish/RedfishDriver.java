package io.kubermesh.provider.baremetal.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.BmcCredentials;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerTarget;
import io.kubermesh.spi.TlsTrust;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.TrustManager;

/**
 * Redfish over HTTPS with the JDK's HTTP client: the BMC's certificate pinned or a CA given (never
 * "trust anything"), a SessionService session or basic authentication, and the ComputerSystem
 * named in the inventory or the only one the service has.
 */
public final class RedfishDriver implements PowerDriver {
    @Override
    public String name() {
        return "redfish";
    }

    @Override
    public String description() {
        return "Redfish over HTTPS (pinned certificate or CA): ComputerSystem.Reset, PowerState, one-time BootSourceOverrideTarget";
    }

    @Override
    public PowerSession open(PowerTarget target, Duration callTimeout) {
        if (!(target.address() instanceof BmcAddress.Redfish redfish)) {
            throw new IllegalArgumentException("the redfish driver drives redfish:// BMCs, not " + target.address());
        }
        String bmc = target.describe();
        BmcCredentials credentials = target.credentials().orElseThrow(() -> new PowerException(Reason.AUTHENTICATION,
                bmc + ": a Redfish BMC needs a username and a password reference in the site inventory"));
        TlsTrust trust = target.tls().orElseThrow(() -> new PowerException(Reason.PROTOCOL,
                bmc + ": a Redfish BMC needs tls (a pinned fingerprint or a CA file) in the site inventory"));
        String host = redfish.host().contains(":") ? "[" + redfish.host() + "]" : redfish.host();
        URI base = URI.create("https://" + host + ":" + redfish.port());
        TrustManager[] used = new TrustManager[1];
        RedfishClient client = new RedfishClient(base, bmc, BmcTrust.context(trust, used), used, callTimeout);
        try {
            char[] password = credentials.password().reveal();
            try {
                client.login(credentials.username(), password);
            } finally {
                Arrays.fill(password, '\0');
            }
            String system = redfish.system().map(s -> "/redfish/v1/Systems/" + s).orElseGet(() -> onlySystem(client, bmc));
            return new RedfishSession(client, bmc, system, client.get(system, "reading " + system));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static String onlySystem(RedfishClient client, String bmc) {
        List<String> members = new ArrayList<>();
        for (JsonNode m : client.get("/redfish/v1/Systems", "listing /redfish/v1/Systems").path("Members")) {
            members.add(m.path("@odata.id").asText());
        }
        if (members.size() != 1) {
            throw new PowerException(Reason.REFUSED, bmc + " has " + members.size() + " systems " + members
                    + "; name one in the address: redfish://HOST/redfish/v1/Systems/ID");
        }
        return members.get(0);
    }
}
