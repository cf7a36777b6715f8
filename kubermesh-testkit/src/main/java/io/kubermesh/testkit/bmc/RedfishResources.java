package io.kubermesh.testkit.bmc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/** The Redfish resources the emulator serves, shaped after the DMTF schemas they name in @odata.type. */
final class RedfishResources {
    private RedfishResources() {
    }

    private static ObjectNode resource(ObjectMapper json, String id, String type, String name) {
        ObjectNode n = json.createObjectNode();
        n.put("@odata.id", id).put("@odata.type", type).put("Name", name);
        return n;
    }

    static ObjectNode serviceRoot(ObjectMapper json) {
        ObjectNode n = resource(json, "/redfish/v1", "#ServiceRoot.v1_5_0.ServiceRoot", "Root Service");
        n.put("Id", "RootService").put("RedfishVersion", "1.6.0").put("UUID", "8f3c6b4e-2a1d-4c55-9a7e-6b6d6b706d77");
        n.putObject("Systems").put("@odata.id", "/redfish/v1/Systems");
        n.putObject("SessionService").put("@odata.id", "/redfish/v1/SessionService");
        n.putObject("Links").putObject("Sessions").put("@odata.id", RedfishEmulator.SESSIONS);
        return n;
    }

    static ObjectNode systems(ObjectMapper json) {
        ObjectNode n = resource(json, "/redfish/v1/Systems", "#ComputerSystemCollection.ComputerSystemCollection",
                "Computer System Collection");
        n.putArray("Members").addObject().put("@odata.id", RedfishEmulator.SYSTEM);
        n.put("Members@odata.count", 1);
        return n;
    }

    static ObjectNode system(ObjectMapper json, String path, String powerState, String bootTarget) {
        ObjectNode n = resource(json, path, "#ComputerSystem.v1_10_0.ComputerSystem", "kmpw emulated system");
        n.put("Id", path.substring(path.lastIndexOf('/') + 1)).put("SystemType", "Physical").put("PowerState", powerState);
        n.putObject("Status").put("State", "Enabled").put("Health", "OK");
        ObjectNode boot = n.putObject("Boot");
        boot.put("BootSourceOverrideEnabled", bootTarget.equals("None") ? "Disabled" : "Once");
        boot.put("BootSourceOverrideTarget", bootTarget);
        boot.put("BootSourceOverrideMode", "UEFI");
        ArrayNode targets = boot.putArray("BootSourceOverrideTarget@Redfish.AllowableValues");
        RedfishEmulator.BOOT_TARGETS.forEach(targets::add);
        ObjectNode reset = n.putObject("Actions").putObject("#ComputerSystem.Reset");
        reset.put("target", path + "/Actions/ComputerSystem.Reset");
        ArrayNode types = reset.putArray("ResetType@Redfish.AllowableValues");
        RedfishEmulator.RESET_TYPES.forEach(types::add);
        return n;
    }

    static ObjectNode sessionService(ObjectMapper json) {
        ObjectNode n = resource(json, "/redfish/v1/SessionService", "#SessionService.v1_1_6.SessionService", "Session Service");
        n.put("Id", "SessionService").put("ServiceEnabled", true).put("SessionTimeout", 600);
        n.putObject("Sessions").put("@odata.id", RedfishEmulator.SESSIONS);
        return n;
    }

    static ObjectNode sessions(ObjectMapper json, Collection<String> ids) {
        ObjectNode n = resource(json, RedfishEmulator.SESSIONS, "#SessionCollection.SessionCollection", "Session Collection");
        ArrayNode members = n.putArray("Members");
        ids.forEach(id -> members.addObject().put("@odata.id", RedfishEmulator.SESSIONS + "/" + id));
        n.put("Members@odata.count", ids.size());
        return n;
    }

    static ObjectNode session(ObjectMapper json, String id, String user) {
        ObjectNode n = resource(json, RedfishEmulator.SESSIONS + "/" + id, "#Session.v1_3_0.Session", "User Session");
        n.put("Id", id).put("UserName", user);
        return n;
    }

    /** A Redfish error (the Base message registry's shape). */
    static ObjectNode error(ObjectMapper json, String messageId, String message) {
        ObjectNode n = json.createObjectNode();
        ObjectNode e = n.putObject("error");
        e.put("code", messageId).put("message", message);
        ObjectNode info = e.putArray("@Message.ExtendedInfo").addObject();
        info.put("@odata.type", "#Message.v1_1_1.Message").put("MessageId", messageId).put("Message", message)
                .put("Severity", "Warning").put("Resolution", "See the message.");
        return n;
    }
}
