package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import java.util.Optional;

/**
 * How a machine's power is reached. {@link #driver()} names the {@link PowerDriver} that speaks it.
 */
public sealed interface BmcAddress {
    /** The name of the driver for this address: {@code ipmi}, {@code redfish} or {@code wol}. */
    String driver();

    /** IPMI 2.0 over LAN (RMCP+), UDP {@code port} (623 by default). */
    record Ipmi(String host, int port) implements BmcAddress {
        public static final int DEFAULT_PORT = 623;

        public Ipmi {
            checkHostPort(host, port);
        }

        @Override
        public String driver() {
            return "ipmi";
        }

        @Override
        public String toString() {
            return "ipmi://" + bracketed(host) + ":" + port;
        }
    }

    /**
     * Redfish over HTTPS {@code port} (443 by default); {@code system} is the member of
     * {@code /redfish/v1/Systems} to drive, or empty for the only one there is.
     */
    record Redfish(String host, int port, Optional<String> system) implements BmcAddress {
        public static final int DEFAULT_PORT = 443;

        public Redfish {
            checkHostPort(host, port);
            system = system == null ? Optional.empty() : system;
        }

        @Override
        public String driver() {
            return "redfish";
        }

        @Override
        public String toString() {
            return "redfish://" + bracketed(host) + ":" + port + system.map(s -> "/redfish/v1/Systems/" + s).orElse("");
        }
    }

    /**
     * Wake-on-LAN: the magic packet for {@code mac} leaves through {@code interfaceName}, the
     * interface of the port the machine is cabled to ({@code port}, for messages).
     */
    record WakeOnLan(MacAddress mac, String interfaceName, String port) implements BmcAddress {
        public WakeOnLan {
            if (mac == null || !mac.isUsableIdentity()) {
                throw new IllegalArgumentException("Wake-on-LAN needs a unicast MAC, got " + mac);
            }
            if (interfaceName == null || interfaceName.isEmpty() || interfaceName.length() > 15) {
                throw new IllegalArgumentException("Wake-on-LAN needs an interface name of 1..15 characters, got " + interfaceName);
            }
        }

        @Override
        public String driver() {
            return "wol";
        }

        @Override
        public String toString() {
            return "wol://" + interfaceName + "/" + mac;
        }
    }

    private static void checkHostPort(String host, int port) {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a BMC address needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a BMC port is 1..65535, got " + port);
        }
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
