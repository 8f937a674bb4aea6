package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.ChangeSink;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A ChangeSink that records what it receives, checking the two-phase protocol as it goes. */
final class FakeSink implements ChangeSink {
    /** A schema change as logged. */
    record SchemaChange(long oid, Relation after, String tag, String statement) {}

    /** One transaction as the sink saw it. */
    static final class Tx implements TransactionLog {
        final FakeSink sink;
        final long xid;
        final List<Change> changes = new ArrayList<>();
        final List<SchemaChange> schemaChanges = new ArrayList<>();
        /** Changes and schema changes in order. */
        final List<Object> records = new ArrayList<>();
        long seq = -1;
        Instant commitTime;
        String state = "open";

        Tx(FakeSink sink, long xid) {
            this.sink = sink;
            this.xid = xid;
        }

        @Override public long xid() { return xid; }

        @Override
        public void add(Change change) {
            check("open");
            changes.add(change);
            records.add(change);
        }

        /** A mark is the number of records so far; truncate drops the records (and changes) after it. */
        @Override
        public long mark() {
            check("open");
            return records.size();
        }

        @Override
        public void truncate(long mark) {
            check("open");
            while (records.size() > mark) {
                Object r = records.remove(records.size() - 1);
                if (r instanceof Change c) {
                    changes.remove(changes.size() - 1);
                } else {
                    schemaChanges.remove(schemaChanges.size() - 1);
                }
            }
        }

        /** Publication definitions logged, by name, in order (null: dropped). */
        final List<java.util.Map.Entry<String, io.slotway.api.change.Publication>> publications = new ArrayList<>();

        @Override
        public void publicationChanged(String name, io.slotway.api.change.Publication after) {
            check("open");
            publications.add(new java.util.AbstractMap.SimpleEntry<>(name, after));
        }

        @Override
        public void schemaChanged(long relationOid, Relation after, String commandTag, String statement) {
            check("open");
            SchemaChange sc = new SchemaChange(relationOid, after, commandTag, statement);
            schemaChanges.add(sc);
            records.add(sc);
        }

        @Override
        public Lsn prepare(long sourceSeq, Instant commitTime) throws PgException {
            check("open");
            synchronized (sink) {
                if (sourceSeq <= sink.lastSeq) {
                    throw new IllegalStateException("sequence numbers must increase: " + sourceSeq + " after " + sink.lastSeq);
                }
                sink.lastSeq = sourceSeq;
                seq = sourceSeq;
                this.commitTime = commitTime;
                state = "prepared";
                sink.pending.add(sourceSeq);
            }
            if (sink.onPrepare != null) {
                sink.onPrepare.run();
            }
            return Lsn.of(sourceSeq * 100);
        }

        @Override
        public void committed() throws PgException {
            check("prepared");
            if (sink.onCommitted != null) {
                sink.onCommitted.run();
            }
            if (sink.dead) {
                return;
            }
            synchronized (sink) {
                state = "committed";
                sink.pending.remove(seq);
                sink.committed.add(this);
            }
        }

        @Override
        public void abort() {
            if (sink.dead) {
                return;
            }
            synchronized (sink) {
                if (state.equals("committed")) {
                    throw new IllegalStateException("abort after committed");
                }
                state = "aborted";
                sink.pending.remove(seq);
                sink.aborted.add(this);
            }
        }

        private void check(String expected) {
            if (sink.dead) {
                return;
            }
            if (!state.equals(expected)) {
                throw new IllegalStateException("transaction " + xid + " is " + state + ", expected " + expected);
            }
        }
    }

    /** A non-transactional message. */
    record Message(String prefix, byte[] content, int afterCommitted) {}

    final AtomicLong xids = new AtomicLong(1000);
    final List<Tx> committed = Collections.synchronizedList(new ArrayList<>());
    final List<Tx> aborted = Collections.synchronizedList(new ArrayList<>());
    final List<Long> pending = Collections.synchronizedList(new ArrayList<>());
    final List<long[]> resolved = new ArrayList<>();
    final List<Message> messages = new ArrayList<>();
    long lastSeq;
    volatile Runnable onPrepare;
    volatile Runnable onCommitted;
    /** Once the simulated JVM died: nothing is recorded any more. */
    volatile boolean dead;

    @Override
    public TransactionLog begin() {
        return new Tx(this, xids.incrementAndGet());
    }

    @Override
    public synchronized Lsn message(String prefix, byte[] content) {
        messages.add(new Message(prefix, content, committed.size()));
        return Lsn.of(42);
    }

    @Override
    public Lsn currentLsn() {
        return Lsn.parse("0/16B3748");
    }

    @Override
    public synchronized List<Long> pending() {
        return new ArrayList<>(pending);
    }

    @Override
    public synchronized void resolve(long sourceSeq, boolean isCommitted) throws PgException {
        if (!pending.remove(sourceSeq)) {
            throw new PgException(SqlState.INTERNAL_ERROR, "not pending: " + sourceSeq);
        }
        resolved.add(new long[] {sourceSeq, isCommitted ? 1 : 0});
    }

    /** The committed transactions' changes, one list per transaction. */
    synchronized List<List<Change>> changes() {
        List<List<Change>> out = new ArrayList<>();
        for (Tx t : committed) {
            out.add(t.changes);
        }
        return out;
    }

    synchronized Tx last() {
        return committed.get(committed.size() - 1);
    }
}
