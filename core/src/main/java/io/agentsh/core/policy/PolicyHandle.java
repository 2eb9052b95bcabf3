package io.agentsh.core.policy;

import java.util.concurrent.atomic.AtomicReference;

/** The current compiled policy of a session; the reloader swaps it atomically, readers never lock. */
public final class PolicyHandle {
    private final AtomicReference<SessionPolicy> current;

    public PolicyHandle(SessionPolicy initial) {
        current = new AtomicReference<>(initial);
    }

    public SessionPolicy get() {
        return current.get();
    }

    public void swap(SessionPolicy next) {
        current.set(next);
    }
}
