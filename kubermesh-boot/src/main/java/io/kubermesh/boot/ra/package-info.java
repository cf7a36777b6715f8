/**
 * Router advertisements (RFC 4861) for mesh ports: {@link io.kubermesh.boot.ra.NdCodec} (pure
 * codec of router solicitations and advertisements) and {@link io.kubermesh.boot.ra.RouterAdvertiser}
 * (one raw ICMPv6 socket per port interface).
 */
package io.kubermesh.boot.ra;
