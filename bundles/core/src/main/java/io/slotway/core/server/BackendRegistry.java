package io.slotway.core.server;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live backends by process id, with the secret keys a CancelRequest must present (BackendKeyData).
 */
final class BackendRegistry {
    /** What a CancelRequest can reach: the secret and the cancel action. */
    record Entry(int secret, Runnable cancel, java.util.function.Supplier<io.slotway.core.catalog.BackendActivity> activity) {}

    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextPid = new AtomicInteger(1000 + new SecureRandom().nextInt(30000));
    private final Map<Integer, Entry> backends = new ConcurrentHashMap<>();
    private final io.slotway.core.session.ExportedSnapshots snapshots = new io.slotway.core.session.ExportedSnapshots();

    /** The server's exported snapshots. */
    io.slotway.core.session.ExportedSnapshots snapshots() {
        return snapshots;
    }

    /** Registers a backend; returns {pid, secret}. */
    int[] register(Runnable cancel) {
        return register(cancel, () -> null);
    }

    /** Registers a backend that pg_stat_activity shows through {@code activity}; returns {pid, secret}. */
    int[] register(Runnable cancel, java.util.function.Supplier<io.slotway.core.catalog.BackendActivity> activity) {
        int pid = nextPid.getAndIncrement();
        int secret = random.nextInt();
        backends.put(pid, new Entry(secret, cancel, activity));
        return new int[] {pid, secret};
    }

    void unregister(int pid) {
        backends.remove(pid);
    }

    /** Every live backend's activity, by pid. */
    java.util.List<io.slotway.core.catalog.BackendActivity> activity() {
        java.util.List<io.slotway.core.catalog.BackendActivity> out = new java.util.ArrayList<>();
        for (Entry e : backends.values()) {
            io.slotway.core.catalog.BackendActivity a = e.activity().get();
            if (a != null) {
                out.add(a);
            }
        }
        out.sort(java.util.Comparator.comparingInt(io.slotway.core.catalog.BackendActivity::pid));
        return out;
    }

    int size() {
        return backends.size();
    }

    /** Cancels the backend's running statement if the key matches; silently does nothing otherwise. */
    boolean cancel(int pid, int secret) {
        Entry e = backends.get(pid);
        if (e == null || e.secret() != secret) {
            return false;
        }
        e.cancel().run();
        return true;
    }
}
