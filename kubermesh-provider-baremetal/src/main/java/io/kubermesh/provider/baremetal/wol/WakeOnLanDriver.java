package io.kubermesh.provider.baremetal.wol;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.provider.baremetal.internal.PacketSocket;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerState;
import io.kubermesh.spi.PowerTarget;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Wake-on-LAN: the magic packet in a raw Ethernet frame (EtherType 0x0842, broadcast destination)
 * out of the interface of the port the machine is cabled to. A raw frame rather than UDP: a mesh
 * link is IPv6-only, so the usual UDP/9 to an IPv4 broadcast address has nowhere to go, and UDP
 * over IPv6 (to ff02::1) would need the port's addresses up first; the sleeping NIC matches the
 * payload whatever carries it, so the frame needs no address on either end. Broadcast, because a
 * point-to-point cable carries it to that one machine anyway and every NIC's filter passes it.
 * Power on only: nothing can be read back, and nothing powers a machine off.
 */
public final class WakeOnLanDriver implements PowerDriver {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    @Override
    public String name() {
        return "wol";
    }

    @Override
    public String description() {
        return "Wake-on-LAN: a magic packet (raw Ethernet, EtherType 0x0842) on the port the machine is cabled to; power on only";
    }

    @Override
    public PowerSession open(PowerTarget target, Duration callTimeout) {
        if (!(target.address() instanceof BmcAddress.WakeOnLan wol)) {
            throw new IllegalArgumentException("the wol driver wakes wol machines, not " + target.address());
        }
        return new PowerSession() {
            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.POWER_ON);
            }

            @Override
            public PowerState read() {
                return PowerState.UNKNOWN;
            }

            @Override
            public void powerOn() {
                PacketSocket.send(wol.interfaceName(), MagicPacket.ETHERTYPE, BROADCAST, MagicPacket.encode(wol.mac()));
            }

            @Override
            public void softOff() {
                throw unsupported("power off");
            }

            @Override
            public void hardOff() {
                throw unsupported("power off");
            }

            @Override
            public void bootOnce(BootDevice device) {
                throw unsupported("set a boot device");
            }

            private PowerException unsupported(String what) {
                return new PowerException(Reason.UNSUPPORTED, target.describe() + ": Wake-on-LAN cannot " + what
                        + "; it only wakes a machine");
            }

            @Override
            public void close() {
            }
        };
    }
}
