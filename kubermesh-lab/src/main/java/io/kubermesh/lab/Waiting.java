package io.kubermesh.lab;

import io.kubermesh.api.KubermeshException;

/** Sleeping in the lab's polling loops: an interrupt stops the wait and the command. */
final class Waiting {
    private Waiting() {
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted", e);
        }
    }
}
