/**
 * DHCPv6 (RFC 8415) for mesh ports: {@link io.kubermesh.boot.dhcp6.Dhcp6Codec} (pure codec),
 * {@link io.kubermesh.boot.dhcp6.Dhcp6Engine} (state machine with an injected clock and
 * {@link io.kubermesh.boot.dhcp6.LeaseStore}) and {@link io.kubermesh.boot.dhcp6.Dhcp6Server} (one
 * {@code SO_BINDTODEVICE} socket per port interface).
 */
package io.kubermesh.boot.dhcp6;
