package io.slotway.itests.crash;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A pgjdbc writer: runs random small transactions one after the other (its own commit order) and
 * records what it saw of each; when the connection dies it reconnects (polling) to wherever Slotway
 * is now and goes on with the next transaction.
 */
final class Writer implements Runnable {
    private final int id;
    private final Random random;
    private final IntSupplier port;
    private final IntSupplier epoch;
    private final long deadlineNanos;
    private volatile boolean stop;
    final List<Txn> txns = new CopyOnWriteArrayList<>();
    final AtomicLong acked = new AtomicLong();
    volatile Throwable crashed;

    Writer(int id, long seed, IntSupplier port, IntSupplier epoch, long deadlineNanos) {
        this.id = id;
        this.random = new Random(seed * 31 + id);
        this.port = port;
        this.epoch = epoch;
        this.deadlineNanos = deadlineNanos;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        try {
            int seq = 0;
            while (!stop && System.nanoTime() < deadlineNanos) {
                Connection c = connect();
                if (c == null) {
                    return;
                }
                try (c) {
                    while (!stop) {
                        Txn t = next(seq++);
                        txns.add(t);
                        if (!runOne(c, t)) {
                            break;
                        }
                    }
                } catch (SQLException e) {
                    // closing a dead connection
                }
            }
        } catch (Throwable t) {
            crashed = t;
        }
    }

    /** Connects, polling until Slotway is back (null when told to stop or past the deadline). */
    private Connection connect() throws InterruptedException {
        while (!stop && System.nanoTime() < deadlineNanos) {
            int p = port.getAsInt();
            if (p > 0) {
                try {
                    return KillableSlotway.connect(p);
                } catch (SQLException e) {
                    // down or restarting
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    private Txn next(int seq) {
        int r = random.nextInt(100);
        Txn.Kind kind = r < 35 ? Txn.Kind.AUTOCOMMIT : r < 80 ? Txn.Kind.COMMIT : Txn.Kind.ROLLBACK;
        Txn t = new Txn(id, seq, kind);
        if (kind == Txn.Kind.AUTOCOMMIT) {
            t.insert(0, 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0));
            return t;
        }
        int k = 0;
        int statements = 1 + random.nextInt(4);
        for (int i = 0; i < statements; i++) {
            int rows = random.nextInt(3) == 0 ? 2 : 1;
            t.insert(k, rows);
            k += rows;
        }
        if (kind == Txn.Kind.COMMIT && k >= 2) {
            if (random.nextBoolean()) {
                t.update(random.nextInt(k));
            }
            if (random.nextInt(3) == 0) {
                t.delete(random.nextInt(k - 1)); // never the last row: a committed transaction always leaves a row
            }
        }
        return t;
    }

    private static boolean connectionLost(SQLException e, Connection c) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return true;
        }
        try {
            return c.isClosed() || !c.isValid(1);
        } catch (SQLException ignored) {
            return true;
        }
    }

    /** Runs one transaction; false when the connection is gone. */
    private boolean runOne(Connection c, Txn t) {
        try (Statement st = c.createStatement()) {
            if (t.kind == Txn.Kind.AUTOCOMMIT) {
                c.setAutoCommit(true);
                try {
                    st.executeUpdate(t.statements.get(0));
                    finish(t, Txn.Outcome.ACKED, null);
                    return true;
                } catch (SQLException e) {
                    boolean lost = connectionLost(e, c);
                    finish(t, lost ? Txn.Outcome.UNKNOWN : Txn.Outcome.FAILED, e);
                    return !lost;
                }
            }
            c.setAutoCommit(false);
            try {
                for (String sql : t.statements) {
                    st.executeUpdate(sql);
                }
            } catch (SQLException e) {
                finish(t, Txn.Outcome.NOT_COMMITTED, e);
                return rollbackQuietly(c);
            }
            if (t.kind == Txn.Kind.ROLLBACK) {
                finish(t, Txn.Outcome.ROLLED_BACK, null);
                return rollbackQuietly(c);
            }
            try {
                c.commit();
                finish(t, Txn.Outcome.ACKED, null);
                return true;
            } catch (SQLException e) {
                boolean lost = connectionLost(e, c);
                finish(t, lost ? Txn.Outcome.UNKNOWN : Txn.Outcome.FAILED, e);
                return !lost && rollbackQuietly(c);
            }
        } catch (SQLException e) {
            // setAutoCommit/createStatement on a dead connection: nothing was sent for t
            if (t.outcome == Txn.Outcome.PENDING) {
                finish(t, Txn.Outcome.NOT_COMMITTED, e);
            }
            return false;
        }
    }

    private boolean rollbackQuietly(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void finish(Txn t, Txn.Outcome outcome, SQLException e) {
        t.error = e == null ? null : e.getSQLState() + " " + e.getMessage();
        t.epoch = epoch.getAsInt();
        t.outcome = outcome;
        if (outcome == Txn.Outcome.ACKED) {
            acked.incrementAndGet();
        }
    }
}
