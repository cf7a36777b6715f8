package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.PowerState;

/**
 * The chassis and session commands the power driver sends (IPMI 2.0 sections 22 and 28): their
 * request data and what their responses mean. Command numbers are per network function.
 */
final class Chassis {
    static final int GET_CHASSIS_STATUS = 0x01;
    static final int CHASSIS_CONTROL = 0x02;
    static final int SET_SYSTEM_BOOT_OPTIONS = 0x08;
    /** Get Device ID (20.1), NetFn App: the cheapest request a session may send to stay alive. */
    static final int GET_DEVICE_ID = 0x01;
    static final int SET_SESSION_PRIVILEGE = 0x3B;
    static final int CLOSE_SESSION = 0x3C;
    static final int ACTIVATE_PAYLOAD = 0x48;
    static final int DEACTIVATE_PAYLOAD = 0x49;

    /** Chassis Control data byte (28.3). */
    static final int POWER_DOWN = 0x00;
    static final int POWER_UP = 0x01;
    static final int SOFT_SHUTDOWN = 0x05;

    /** Boot flags parameter (28.13, parameter 5). */
    static final int BOOT_FLAGS = 0x05;

    private Chassis() {
    }

    /** Get Chassis Status response data after the completion code: bit 0 of byte 1 is "power is on". */
    static PowerState powerState(byte[] response) {
        if (response.length < 2) {
            throw new MalformedPacketException("Get Chassis Status answered " + response.length + " bytes; the power state is missing");
        }
        return (response[1] & 0x01) != 0 ? PowerState.ON : PowerState.OFF;
    }

    /**
     * Set System Boot Options, boot flags: valid, this boot only, UEFI (kubermesh nodes boot UEFI;
     * a BMC of a legacy-only machine ignores the bit), and the device selector in bits 5:2 of the
     * second byte: 0001 force PXE, 0010 force boot from the default hard drive.
     */
    static byte[] bootOnce(BootDevice device) {
        int selector = device == BootDevice.NETWORK ? 0x01 : 0x02;
        return new byte[] {BOOT_FLAGS, (byte) 0xA0, (byte) (selector << 2), 0, 0, 0};
    }

    /** Activate Payload for SOL instance 1, encrypted and authenticated (24.1). */
    static byte[] activateSol() {
        return new byte[] {SessionPacket.SOL, 0x01, (byte) 0xC0, 0, 0, 0};
    }

    static byte[] deactivateSol() {
        return new byte[] {SessionPacket.SOL, 0x01, 0, 0, 0, 0};
    }

    /** What a completion code means, for error messages (5.2). */
    static String completion(int code) {
        return switch (code) {
            case 0xC0 -> "node busy";
            case 0xC1 -> "invalid command";
            case 0xC3 -> "timeout while processing the command";
            case 0xC7 -> "request data length invalid";
            case 0xCC -> "invalid data field in request";
            case 0xD4 -> "insufficient privilege level";
            case 0xD5 -> "command not supported in the present state";
            case 0x80 -> "payload already active (another SOL session holds the console)";
            case 0xFF -> "unspecified error";
            default -> String.format("completion code 0x%02x", code);
        };
    }
}
