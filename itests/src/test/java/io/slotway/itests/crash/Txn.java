package io.slotway.itests.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transaction a writer tried: its statements, the test_decoding lines it must produce if it
 * committed, the rows it leaves in {@code crash} if it committed, and what the writer saw happen.
 *
 * <p>Row ids encode their transaction: {@code id = writer * 10^9 + seq * 10 + k} (k &lt; 10), so any
 * row or decoded line names the transaction it belongs to.
 */
final class Txn {
    enum Kind {
        /** One INSERT (one or several rows) in autocommit mode. */
        AUTOCOMMIT,
        /** BEGIN, INSERTs (maybe an UPDATE and a DELETE of its own rows), COMMIT. */
        COMMIT,
        /** BEGIN, INSERTs, ROLLBACK on purpose. */
        ROLLBACK
    }

    enum Outcome {
        /** Not run yet, or running. */
        PENDING,
        /** COMMIT (or the autocommit statement) returned success to the writer. */
        ACKED,
        /** Rolled back on purpose. */
        ROLLED_BACK,
        /** Failed before COMMIT was sent (the connection died mid-transaction): cannot have committed. */
        NOT_COMMITTED,
        /** COMMIT got an error that was not a lost connection: the server said it did not commit. */
        FAILED,
        /** The connection died while COMMIT (or the autocommit statement) was in flight: either way. */
        UNKNOWN
    }

    static final String TABLE = "crash";
    static final long WRITER_BASE = 1_000_000_000L;

    final int writer;
    final int seq;
    final Kind kind;
    /** SQL statements, in order (without BEGIN/COMMIT/ROLLBACK). */
    final List<String> statements = new ArrayList<>();
    /** test_decoding lines between BEGIN and COMMIT if it committed. */
    final List<String> expectedLines = new ArrayList<>();
    /** id → {writer, seq} of each row it leaves behind if it committed. */
    final Map<Long, int[]> finalRows = new LinkedHashMap<>();
    /** Every id it touches. */
    final List<Long> ids = new ArrayList<>();
    volatile Outcome outcome = Outcome.PENDING;
    volatile String error;
    /** Kill number (0 before the first kill) current when the writer finished it. */
    volatile int epoch;

    Txn(int writer, int seq, Kind kind) {
        this.writer = writer;
        this.seq = seq;
        this.kind = kind;
    }

    long id(int k) {
        return writer * WRITER_BASE + seq * 10L + k;
    }

    static int writerOf(long id) {
        return (int) (id / WRITER_BASE);
    }

    static int seqOf(long id) {
        return (int) ((id % WRITER_BASE) / 10);
    }

    /** Adds one INSERT statement of rows k = from .. from+count-1. */
    void insert(int from, int count) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + TABLE + " (id, writer, seq) VALUES ");
        for (int k = from; k < from + count; k++) {
            long id = id(k);
            sql.append(k == from ? "" : ", ").append('(').append(id).append(", ").append(writer).append(", ").append(seq).append(')');
            expectedLines.add(line("INSERT", id, writer, seq));
            finalRows.put(id, new int[] {writer, seq});
            ids.add(id);
        }
        statements.add(sql.toString());
    }

    void update(int k) {
        long id = id(k);
        int newSeq = seq + 1_000_000;
        statements.add("UPDATE " + TABLE + " SET seq = " + newSeq + " WHERE id = " + id);
        expectedLines.add(line("UPDATE", id, writer, newSeq));
        finalRows.put(id, new int[] {writer, newSeq});
    }

    void delete(int k) {
        long id = id(k);
        statements.add("DELETE FROM " + TABLE + " WHERE id = " + id);
        expectedLines.add("table public." + TABLE + ": DELETE: id[bigint]:" + id);
        finalRows.remove(id);
    }

    static String line(String op, long id, int writer, int seq) {
        return "table public." + TABLE + ": " + op + ": id[bigint]:" + id + " writer[integer]:" + writer + " seq[integer]:" + seq;
    }

    boolean mustNotAppear() {
        return outcome == Outcome.ROLLED_BACK || outcome == Outcome.NOT_COMMITTED || outcome == Outcome.FAILED;
    }

    @Override
    public String toString() {
        return "writer " + writer + " txn " + seq + " (" + kind + ", " + outcome + (error == null ? "" : ": " + error)
                + ", epoch " + epoch + ", " + statements.size() + " statements)";
    }
}
