package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;

/** Runs one health check of a service and says whether it passed. Blocking; bounded by its own timeout. */
@FunctionalInterface
public interface Prober {
    boolean check(AnycastService service);
}
