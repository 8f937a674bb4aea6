package io.slotway.core.wal;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import io.slotway.api.types.PgType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared helpers for the WAL tests. */
final class WalFixtures {
    static final int SMALL_SEGMENT = 1 << 16;

    static final Relation ACCOUNTS = new Relation(16384, "public", "accounts", 'd', List.of(
            new Column("id", PgType.INT4.oid(), -1, true, true),
            new Column("name", PgType.TEXT.oid(), -1, false, false)));

    private WalFixtures() {}

    static Change.Insert insert(int id, String name) {
        return new Change.Insert(ACCOUNTS, new Tuple(id, name));
    }

    /** Logs one committed transaction; returns its commit LSN. */
    static Lsn commit(WalService wal, long seq, Change... changes) throws Exception {
        TransactionLog t = wal.begin();
        for (Change c : changes) {
            t.add(c);
        }
        Lsn lsn = t.prepare(seq, Instant.ofEpochSecond(1_700_000_000L + seq));
        t.committed();
        return lsn;
    }

    /** Everything the stream has now (polling briefly). */
    static List<WalItem> drain(WalStream stream) throws Exception {
        List<WalItem> items = new ArrayList<>();
        for (WalItem i; (i = stream.poll(50, TimeUnit.MILLISECONDS)) != null; ) {
            items.add(i);
        }
        return items;
    }

    static List<Entry> entries(WalItem item) {
        List<Entry> out = new ArrayList<>();
        ((WalItem.Committed) item).entries().forEach(out::add);
        return out;
    }

    static List<Change> changes(WalItem item) {
        return entries(item).stream().map(Entry::change).toList();
    }
}
