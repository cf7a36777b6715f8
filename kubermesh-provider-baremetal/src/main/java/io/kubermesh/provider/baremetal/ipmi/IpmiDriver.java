package io.kubermesh.provider.baremetal.ipmi;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.BmcCredentials;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * IPMI 2.0 over LAN (RMCP+), written here rather than taken from a library: the maintained Java
 * IPMI libraries on Maven Central (the Verax IPMI library and its MetricsHub/Sentry fork,
 * LGPL-3.0) are built for reading sensors and FRUs, keep global connection state and a shared
 * UDP port behind a properties file, and have no Set System Boot Options. The part of IPMI a
 * power driver needs (session setup with RAKP, chassis status and control, boot flags, SOL) is a
 * few hundred lines, and owning it lets the codec be pure and checked against ipmitool's bytes.
 */
public final class IpmiDriver implements PowerDriver {
    @Override
    public String name() {
        return "ipmi";
    }

    @Override
    public String description() {
        return "IPMI 2.0 over LAN (RMCP+, cipher suites 17 and 3): chassis power, one-time boot device, Serial-over-LAN";
    }

    @Override
    public PowerSession open(PowerTarget target, Duration callTimeout) {
        if (!(target.address() instanceof BmcAddress.Ipmi ipmi)) {
            throw new IllegalArgumentException("the ipmi driver drives ipmi:// BMCs, not " + target.address());
        }
        BmcCredentials credentials = target.credentials().orElseThrow(() -> new PowerException(Reason.AUTHENTICATION,
                target.describe() + ": an IPMI BMC needs a username and a password reference in the site inventory"));
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(ipmi.host()), ipmi.port());
        } catch (UnknownHostException e) {
            throw new PowerException(Reason.UNREACHABLE, target.describe() + ": unknown host " + ipmi.host(), e);
        }
        char[] password = credentials.password().reveal();
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] key = Arrays.copyOf(encoded.array(), encoded.limit());
        Arrays.fill(password, '\0');
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            if (key.length > 20) {
                throw new PowerException(Reason.AUTHENTICATION, target.describe() + ": IPMI 2.0 passwords have at most 20 bytes; the one in "
                        + credentials.password().reference() + " has " + key.length);
            }
            String bmc = target.describe();
            return new IpmiSession(IpmiLan.open(address, bmc, credentials.username(), key, callTimeout), bmc);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
