package io.slotway.core.session;

import io.slotway.api.source.SourceSnapshot;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The snapshots replication connections exported ({@code CREATE_REPLICATION_SLOT ... (SNAPSHOT
 * 'export')}), by the name clients import them with ({@code SET TRANSACTION SNAPSHOT}). One per server.
 * Names have PostgreSQL's form {@code %08X-%08X-%d}: the exporting backend's pid, a server-wide counter
 * (PostgreSQL's local transaction id) and 1.
 */
public final class ExportedSnapshots {
    private final Map<String, SourceSnapshot> exported = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();

    /** Publishes {@code snapshot} and returns its name. */
    public String export(int pid, SourceSnapshot snapshot) {
        String name = String.format("%08X-%08X-1", pid, counter.incrementAndGet());
        exported.put(name, snapshot);
        return name;
    }

    /** The snapshot published under {@code name}, or null. */
    public SourceSnapshot get(String name) {
        return exported.get(name);
    }

    /** Withdraws and closes the snapshot (transactions that imported it keep reading it). */
    public void withdraw(String name) {
        SourceSnapshot s = exported.remove(name);
        if (s != null) {
            s.close();
        }
    }
}
