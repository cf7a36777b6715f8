package io.kubermesh.api;

import java.time.Duration;

/**
 * How the agents run the control plane: how many voting etcd members the cluster keeps, and how
 * long a member may be unreachable before another machine replaces it.
 *
 * @param etcdMembers the number of voting etcd members (odd: 1, 3, 5 or 7); the first machines to
 *     join become them, and a lost one is replaced while enough machines remain; 0 turns etcd off
 *     (no member anywhere, the etcd anycast service and the IPv4 addresses allocated through it
 *     are off too, and status says so)
 * @param memberGrace how long a member may be unhealthy before it is removed and replaced
 */
public record ControlPlaneSpec(int etcdMembers, Duration memberGrace) {
    /** Three members, replaced after a minute. */
    public static final ControlPlaneSpec DEFAULT = new ControlPlaneSpec(3, Duration.ofSeconds(60));

    /** True when the cluster runs etcd ({@code etcdMembers > 0}). */
    public boolean etcd() {
        return etcdMembers > 0;
    }

    public ControlPlaneSpec {
        String at = "cluster.controlPlane.";
        if (etcdMembers < 0 || etcdMembers > 7 || (etcdMembers != 0 && etcdMembers % 2 == 0)) {
            throw new ConfigurationException(at + "etcdMembers", Integer.toString(etcdMembers),
                    "0 (etcd off), 1, 3, 5 or 7 (an odd number of voters keeps a majority with the fewest machines)");
        }
        if (memberGrace == null || memberGrace.toMillis() < 5000 || memberGrace.toHours() > 24) {
            throw new ConfigurationException(at + "memberGrace", String.valueOf(memberGrace),
                    "5s..24h (shorter would replace a member that is only restarting)");
        }
    }
}
