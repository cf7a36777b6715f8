package io.kubermesh.provider.baremetal.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link PowerSession} over one Redfish ComputerSystem: {@code PowerState},
 * {@code ComputerSystem.Reset} with a ResetType from the action's allowable values, and
 * {@code Boot.BootSourceOverrideTarget} with {@code BootSourceOverrideEnabled: Once}.
 */
final class RedfishSession implements PowerSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STANDARD_RESETS = List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart",
            "GracefulRestart", "ForceOn", "PushPowerButton", "PowerCycle", "Nmi");

    private final RedfishClient client;
    private final String bmc;
    private final String system;
    private final String resetTarget;
    private final List<String> resetTypes;
    private final List<String> bootTargets;

    RedfishSession(RedfishClient client, String bmc, String system, JsonNode resource) {
        this.client = client;
        this.bmc = bmc;
        this.system = system;
        JsonNode reset = resource.path("Actions").path("#ComputerSystem.Reset");
        this.resetTarget = reset.path("target").asText(system + "/Actions/ComputerSystem.Reset");
        this.resetTypes = strings(reset.path("ResetType@Redfish.AllowableValues"), STANDARD_RESETS);
        this.bootTargets = strings(resource.path("Boot").path("BootSourceOverrideTarget@Redfish.AllowableValues"),
                List.of("Pxe", "Hdd"));
    }

    private static List<String> strings(JsonNode array, List<String> absent) {
        if (!array.isArray()) {
            return absent;
        }
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.READ_STATE);
        if (choose(List.of("On", "ForceOn")) != null) {
            c.add(Capability.POWER_ON);
        }
        if (choose(List.of("GracefulShutdown")) != null) {
            c.add(Capability.SOFT_OFF);
        }
        if (choose(List.of("ForceOff")) != null) {
            c.add(Capability.HARD_OFF);
        }
        if (bootTargets.contains("Pxe") || bootTargets.contains("Hdd")) {
            c.add(Capability.BOOT_ONCE);
        }
        return c;
    }

    private String choose(List<String> preferred) {
        return preferred.stream().filter(resetTypes::contains).findFirst().orElse(null);
    }

    @Override
    public PowerState read() {
        String s = client.get(system, "reading " + system).path("PowerState").asText("");
        return switch (s) {
            case "On" -> PowerState.ON;
            case "Off" -> PowerState.OFF;
            case "PoweringOn" -> PowerState.POWERING_ON;
            case "PoweringOff" -> PowerState.POWERING_OFF;
            default -> PowerState.UNKNOWN;
        };
    }

    private void reset(List<String> preferred) {
        String type = choose(preferred);
        if (type == null) {
            throw new PowerException(Reason.UNSUPPORTED, bmc + " offers none of " + preferred + " for ComputerSystem.Reset; it allows "
                    + resetTypes);
        }
        ObjectNode body = JSON.createObjectNode().put("ResetType", type);
        client.post(resetTarget, body, "ComputerSystem.Reset " + type);
    }

    @Override
    public void powerOn() {
        reset(List.of("On", "ForceOn"));
    }

    @Override
    public void softOff() {
        reset(List.of("GracefulShutdown"));
    }

    @Override
    public void hardOff() {
        reset(List.of("ForceOff"));
    }

    @Override
    public void bootOnce(BootDevice device) {
        String target = device == BootDevice.NETWORK ? "Pxe" : "Hdd";
        if (!bootTargets.contains(target)) {
            throw new PowerException(Reason.UNSUPPORTED, bmc + " cannot boot once from " + target + "; it allows " + bootTargets);
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("Boot").put("BootSourceOverrideTarget", target).put("BootSourceOverrideEnabled", "Once");
        client.patch(system, body, "setting Boot.BootSourceOverrideTarget " + target + " once");
    }

    @Override
    public void close() {
        client.close();
    }
}
