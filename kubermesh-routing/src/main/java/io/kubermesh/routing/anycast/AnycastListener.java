package io.kubermesh.routing.anycast;

/** Receives every {@link AnycastEvent}, on the thread that ran the check. */
@FunctionalInterface
public interface AnycastListener {
    void onEvent(AnycastEvent event);
}
