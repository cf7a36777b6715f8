package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerState;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/** A {@link PowerSession} over an IPMI 2.0 LAN session: chassis status and control, boot flags, SOL. */
final class IpmiSession implements PowerSession {
    private final IpmiLan lan;
    private final String bmc;

    IpmiSession(IpmiLan lan, String bmc) {
        this.lan = lan;
        this.bmc = bmc;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public PowerState read() {
        return Chassis.powerState(lan.require(IpmiMessage.NETFN_CHASSIS, Chassis.GET_CHASSIS_STATUS, new byte[0],
                "Get Chassis Status"));
    }

    private void control(int action, String what) {
        lan.require(IpmiMessage.NETFN_CHASSIS, Chassis.CHASSIS_CONTROL, new byte[] {(byte) action}, "Chassis Control (" + what + ")");
    }

    @Override
    public void powerOn() {
        control(Chassis.POWER_UP, "power up");
    }

    @Override
    public void softOff() {
        control(Chassis.SOFT_SHUTDOWN, "soft shutdown");
    }

    @Override
    public void hardOff() {
        control(Chassis.POWER_DOWN, "power down");
    }

    @Override
    public void bootOnce(BootDevice device) {
        lan.require(IpmiMessage.NETFN_CHASSIS, Chassis.SET_SYSTEM_BOOT_OPTIONS, Chassis.bootOnce(device),
                "Set System Boot Options (boot flags)");
    }

    @Override
    public AutoCloseable console(Consumer<String> output) {
        return SolConsole.open(lan, bmc, output);
    }

    @Override
    public void close() {
        lan.close();
    }
}
