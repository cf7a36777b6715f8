package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.Ipv6Address;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A prober that plays back scripted results, an announcer that records. */
final class Fakes {
    private Fakes() {
    }

    static AnycastService service(String name, int rise, int fall, Duration interval) {
        return new AnycastService(name, Optional.empty(), 2379, new HealthCheck.Tcp(), interval, rise, fall);
    }

    static final class ScriptedProber implements Prober {
        final Map<String, Deque<Boolean>> results = new HashMap<>();
        final List<String> checked = new ArrayList<>();

        void script(String service, Boolean... r) {
            results.computeIfAbsent(service, k -> new ArrayDeque<>()).addAll(List.of(r));
        }

        @Override
        public boolean check(AnycastService service) {
            checked.add(service.name());
            Deque<Boolean> q = results.get(service.name());
            if (q == null || q.isEmpty()) {
                throw new IllegalStateException("no scripted result left for " + service.name());
            }
            return q.poll();
        }
    }

    static final class RecordingAnnouncer implements Announcer {
        final List<String> calls = new ArrayList<>();
        final java.util.Set<Ipv6Address> present = new java.util.HashSet<>();
        /** Every lifetime an address was announced or renewed with, in order. */
        final List<java.time.Duration> lifetimes = new ArrayList<>();
        boolean failNext;

        @Override
        public void announce(Ipv6Address address) {
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("netlink said no");
            }
            calls.add("+" + address);
            present.add(address);
        }

        /** A first announcement is recorded as one; a renewal (already present) only by its lifetime. */
        @Override
        public void announce(Ipv6Address address, java.time.Duration lifetime) {
            if (present.contains(address) && !failNext) {
                lifetimes.add(lifetime);
                return;
            }
            announce(address);
            lifetimes.add(lifetime);
        }

        @Override
        public void withdraw(Ipv6Address address) {
            calls.add("-" + address);
            present.remove(address);
        }
    }
}
