package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One session's open transaction as captured: changes made by its statements go to the
 * {@link TransactionLog} (begun lazily, at the first change, so read-only transactions log nothing). A
 * few are kept here first, while a statement or a savepoint could still take them back; beyond
 * {@link #BUFFER_LIMIT} they go to the log at once (which spills to disk), and a failed statement or a
 * ROLLBACK TO SAVEPOINT takes them back there with {@link TransactionLog#truncate}. So a huge statement
 * or transaction never sits in memory (DESIGN.md, invariant 6).
 *
 * <p>A position (a statement's or a savepoint's start) is a buffer index when {@code >= 0}, or a log
 * mark {@code m} written as {@code -(m + 1)}; every log mark comes before every buffer index.
 */
final class TxCapture {
    /** Changes kept in memory before they go to the log. */
    static final int BUFFER_LIMIT = 1024;

    private final H2Source source;
    private TransactionLog log;
    /** Changes not yet handed to the log. */
    private final List<Change> buffer = new ArrayList<>();
    private final List<Long> savepointMarks = new ArrayList<>();
    private long statementStart;
    /** Changes in the log now, and how many there were at each log mark. */
    private long loggedChanges;
    private final java.util.TreeMap<Long, Long> changesAtMark = new java.util.TreeMap<>();
    /** Whether anything (a change or a schema change) went or will go to the log. */
    private boolean logged;
    private boolean forceCommit;

    TxCapture(H2Source source) {
        this.source = source;
    }

    // ------------------------------------------------------------------------------------ rows

    /** A row change reported by the capture trigger; old/new are positioned on the row, null when absent. */
    void row(Connection c, long oid, ResultSet oldRow, ResultSet newRow) throws SQLException {
        Capture.Captured cap = source.relation(c, oid);
        if (cap == null) {
            return;
        }
        try {
            Object[] oldValues = oldRow == null ? null : read(cap, oldRow);
            Object[] newValues = newRow == null ? null : read(cap, newRow);
            buffer.add(change(cap, oldValues, newValues));
            if (buffer.size() >= BUFFER_LIMIT) {
                spill();
            }
        } catch (PgException e) {
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
    }

    private static Object[] read(Capture.Captured cap, ResultSet rs) throws SQLException, PgException {
        Object[] v = new Object[cap.types().length];
        int[] positions = cap.positions();
        for (int i = 0; i < v.length; i++) {
            if (positions[i] == 0) {
                positions[i] = rs.findColumn(cap.h2Names()[i]); // same for every row of this definition
            }
            v[i] = cap.types()[i].read(rs, positions[i]);
        }
        return v;
    }

    /** The change PostgreSQL would log, with the old tuple its replica identity asks for. */
    static Change change(Capture.Captured cap, Object[] oldValues, Object[] newValues) {
        Relation rel = cap.relation();
        boolean[] keys = cap.keys();
        boolean hasKey = rel.hasKey() && (rel.replicaIdentity() == 'd' || rel.replicaIdentity() == 'i');
        if (oldValues == null) {
            return new Change.Insert(rel, new Tuple(newValues));
        }
        if (newValues == null) {
            if (rel.replicaIdentity() == 'f') {
                return new Change.Delete(rel, new Tuple(oldValues), false);
            }
            return new Change.Delete(rel, hasKey ? keyTuple(keys, oldValues) : null, hasKey);
        }
        Tuple old = null;
        boolean oldIsKey = false;
        if (rel.replicaIdentity() == 'f') {
            old = new Tuple(oldValues);
        } else if (hasKey) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] && !same(oldValues[i], newValues[i])) {
                    old = keyTuple(keys, oldValues);
                    oldIsKey = true;
                    break;
                }
            }
        }
        Object[] shown = newValues.clone();
        boolean[] external = null;
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] != null && same(oldValues[i], shown[i])) {
                if (external == null) {
                    external = Toast.external(cap.types(), oldValues);
                }
                if (external[i]) {
                    shown[i] = Tuple.UNCHANGED_TOAST;
                }
            }
        }
        return new Change.Update(rel, old, oldIsKey, new Tuple(shown));
    }

    private static Tuple keyTuple(boolean[] keys, Object[] values) {
        Object[] k = new Object[values.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = keys[i] ? values[i] : null;
        }
        return new Tuple(k);
    }

    static boolean same(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    // ------------------------------------------------------------------------------------ other changes

    /** Adds a change the source makes itself (TRUNCATE, a transactional message) at the current point. */
    void add(Change change) throws PgException {
        buffer.add(change);
        if (buffer.size() >= BUFFER_LIMIT) {
            spill();
        }
    }

    /** The open transaction's xid, beginning its log if needed (txid_current()). */
    /** The xid of the logged transaction, 0 when none has begun (nothing written, no txid_current()). */
    long xidIfAssigned() {
        return log == null ? 0 : log.xid();
    }

    long xid() throws PgException {
        return log().xid();
    }

    /** Records a schema change in this transaction; it makes the transaction one that is logged even if empty. */
    void schemaChanged(long oid, Relation after, String tag, String statement) throws PgException {
        flush();
        log().schemaChanged(oid, after, tag, statement);
        logged = true;
        forceCommit = true;
    }

    /** Records a publication's new definition (null: dropped) in this transaction. */
    void publicationChanged(String name, io.slotway.api.change.Publication after) throws PgException {
        flush();
        log().publicationChanged(name, after);
        logged = true;
        forceCommit = true;
    }

    /** Makes the transaction one that is logged even without changes (DDL). */
    void forceCommit() {
        forceCommit = true;
    }

    private TransactionLog log() throws PgException {
        if (log == null) {
            log = source.sink().begin();
        }
        return log;
    }

    // ------------------------------------------------------------------------------------ statements and savepoints

    void statementStarted() {
        statementStart = buffer.size();
    }

    /** A statement failed: H2 took back its rows, so are its changes. */
    void statementFailed() throws PgException {
        truncate(statementStart);
    }

    /** A statement succeeded: with no savepoint open, its changes can no longer be taken back but by a rollback. */
    void statementDone() throws PgException {
        if (savepointMarks.isEmpty()) {
            flush();
        }
        statementStart = buffer.size();
    }

    void savepoint() {
        savepointMarks.add((long) buffer.size());
    }

    void rollbackToSavepoint(int depthFromBottom) throws PgException {
        if (depthFromBottom < savepointMarks.size()) {
            truncate(savepointMarks.get(depthFromBottom));
            while (savepointMarks.size() > depthFromBottom + 1) {
                savepointMarks.remove(savepointMarks.size() - 1);
            }
        }
    }

    void releaseSavepoint(int depthFromBottom) {
        while (savepointMarks.size() > depthFromBottom) {
            savepointMarks.remove(savepointMarks.size() - 1);
        }
    }

    /** H2 committed on its own (DDL): savepoints are gone. */
    void savepointsGone() {
        savepointMarks.clear();
    }

    /** Takes back everything after {@code position}. */
    private void truncate(long position) throws PgException {
        if (position >= 0) {
            int n = (int) Math.min(position, buffer.size());
            buffer.subList(n, buffer.size()).clear();
        } else {
            long mark = -position - 1;
            buffer.clear();
            log.truncate(mark);
            loggedChanges = changesAtMark.getOrDefault(mark, 0L);
            changesAtMark.tailMap(mark, false).clear();
            logged = loggedChanges > 0;
        }
        if (before(position, statementStart)) {
            statementStart = position;
        }
    }

    /** Whether position {@code a} comes before {@code b}. */
    private static boolean before(long a, long b) {
        if (a < 0 && b < 0) {
            return -a - 1 < -b - 1;
        }
        if (a < 0 || b < 0) {
            return a < 0;
        }
        return a < b;
    }

    /** Hands the buffer to the log, turning positions inside it into log marks (the statement is still running). */
    private void spill() throws PgException {
        handOver(true);
    }

    private void handOver(boolean keepPositions) throws PgException {
        if (buffer.isEmpty()) {
            return;
        }
        TransactionLog l = log();
        int n = buffer.size();
        for (int i = 0; i <= n; i++) {
            if (keepPositions && (statementStart == i || savepointMarks.contains((long) i))) {
                long mark = l.mark();
                changesAtMark.put(mark, loggedChanges);
                long encoded = -(mark + 1);
                if (statementStart == i) {
                    statementStart = encoded;
                }
                for (int k = 0; k < savepointMarks.size(); k++) {
                    if (savepointMarks.get(k) == i) {
                        savepointMarks.set(k, encoded);
                    }
                }
            }
            if (i < n) {
                l.add(buffer.get(i));
                loggedChanges++;
            }
        }
        logged = true;
        buffer.clear();
    }

    /**
     * Hands everything to the log when nothing can take it back any more: a statement ended with no
     * savepoint open, a DDL (H2 commits it, savepoints are gone), or the commit.
     */
    private void flush() throws PgException {
        handOver(false);
        statementStart = 0;
    }

    // ------------------------------------------------------------------------------------ end of transaction

    /** Whether committing must go through the log (changes or DDL), as opposed to a plain H2 commit. */
    boolean mustLog() {
        return logged || forceCommit || !buffer.isEmpty();
    }

    /**
     * Hands everything to the log and returns it, for the commit protocol; null when the transaction has
     * nothing to log (a log begun only for txid_current() is aborted: it never appears).
     */
    TransactionLog prepareToCommit() throws PgException {
        flush();
        if (!logged && !forceCommit) {
            abort();
            return null;
        }
        return log();
    }

    /** Forgets the transaction after commit or rollback; on rollback the log is aborted. */
    void abort() {
        if (log != null) {
            try {
                log.abort();
            } catch (RuntimeException ignored) {
                // the sink is gone; it settles pending work on restart
            }
        }
        reset();
    }

    void reset() {
        log = null;
        buffer.clear();
        savepointMarks.clear();
        statementStart = 0;
        loggedChanges = 0;
        changesAtMark.clear();
        logged = false;
        forceCommit = false;
    }

    static PgException internal(Exception e) {
        return new PgException(SqlState.INTERNAL_ERROR, "capture failed: " + e.getMessage(), e);
    }
}
