package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real PostgreSQL 15 subscribes to Slotway: {@code CREATE SUBSCRIPTION ... WITH (copy_data = true)}
 * while writers keep changing the published tables (inserts, updates including key changes, deletes, a
 * truncate, large values in NOT NULL columns), a table added to the publication mid-way and picked up by
 * {@code ALTER SUBSCRIPTION ... REFRESH PUBLICATION}; afterwards the subscriber's tables equal Slotway's,
 * row for row, and {@code DROP SUBSCRIPTION} removes the slot on Slotway.
 */
class SubscriberIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("subscriber");

    private static final java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
    private static final String[] TABLES = {"accounts", "docs", "transfers"};
    private static final String SCHEMA = "CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(12,2),"
            + " created timestamptz DEFAULT now());"
            + "CREATE TABLE docs (id integer PRIMARY KEY, body text NOT NULL);"
            + "CREATE TABLE transfers (id integer PRIMARY KEY, src integer, dst integer, amount numeric(12,2), note text);";

    @Test
    void aPostgresSubscriberEndsWithSlotwaysRows() throws Exception {
        PgOracle pg = PgOracle.get();
        String subDb = pg.createDatabase("sub");
        try (Connection sw = SlotwayProcess.connect(slotway.port()); Statement s = sw.createStatement();
             Connection sub = pg.connect(subDb); Statement ps = sub.createStatement()) {
            for (String ddl : SCHEMA.split(";")) {
                s.execute(ddl);
                ps.execute(ddl);
            }
            s.execute("INSERT INTO accounts (id, owner, balance) SELECT g, 'owner ' || g, g * 1.25 FROM generate_series(1, 2000) g");
            s.execute("INSERT INTO docs SELECT g, repeat('large ' || g, 2000) FROM generate_series(1, 50) g");
            s.execute("INSERT INTO transfers SELECT g, g, g + 1, g, 'before' FROM generate_series(1, 100) g");
            s.execute("CREATE PUBLICATION pub_sub FOR TABLE accounts, docs");

            AtomicBoolean stop = new AtomicBoolean();
            rounds.set(0);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> write(stop, failure), "subscriber-it-writer");
            writer.start();
            try {
                ps.execute("CREATE SUBSCRIPTION sub1 CONNECTION 'host=127.0.0.1 port=" + slotway.port()
                        + " dbname=postgres user=postgres' PUBLICATION pub_sub WITH (copy_data = true)");
                awaitRounds(150);
                s.execute("ALTER PUBLICATION pub_sub ADD TABLE transfers");
                ps.execute("ALTER SUBSCRIPTION sub1 REFRESH PUBLICATION");
                awaitRounds(600);
            } finally {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(failure.get()).as("writer").isNull();
            s.execute("INSERT INTO transfers VALUES (100000, 1, 2, 3, 'last')"); // the marker the subscriber must reach

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            List<String> mismatch = List.of("not compared yet");
            while (System.nanoTime() < deadline) {
                mismatch = compare(sw, sub);
                if (mismatch.isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(mismatch).as("tables that differ between Slotway and the subscriber").isEmpty();
            assertThat(rows(sub, "accounts")).as("accounts on the subscriber").hasSizeGreaterThan(1500);
            assertThat(rows(sub, "transfers")).as("transfers, added to the publication mid-way").hasSizeGreaterThan(100);
            assertThat(rounds.get()).as("writer rounds (the TRUNCATE is at 300)").isGreaterThan(300);

            ps.execute("DROP SUBSCRIPTION sub1");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
                rs.next();
                assertThat(rs.getLong(1)).as("slots left on Slotway after DROP SUBSCRIPTION").isZero();
            }
        }
    }

    /** Waits, polling with a 60 s deadline, until the writer has done {@code n} rounds. */
    private static void awaitRounds(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rounds.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Inserts, updates (also of keys), deletes, a truncate and large values, until stopped. */
    private static void write(AtomicBoolean stop, AtomicReference<Throwable> failure) {
        Random random = new Random(42);
        try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement()) {
            int next = 10_000;
            int round = 0;
            while (!stop.get() && round < 2000) {
                round++;
                rounds.incrementAndGet();
                int id = 1 + random.nextInt(2000);
                switch (round % 7) {
                    case 0 -> s.execute("INSERT INTO accounts (id, owner, balance) VALUES (" + next++ + ", 'new', 1)");
                    case 1 -> s.execute("UPDATE accounts SET balance = balance + 1 WHERE id = " + id);
                    case 2 -> s.execute("UPDATE accounts SET id = " + next++ + " WHERE id = " + id);
                    case 3 -> s.execute("DELETE FROM accounts WHERE id = " + (1 + random.nextInt(2000)));
                    case 4 -> s.execute("UPDATE docs SET body = repeat('changed " + round + " ', 3000) WHERE id = " + (1 + random.nextInt(50)));
                    case 5 -> s.execute("INSERT INTO transfers VALUES (" + next++ + ", 1, 2, 3, 'during')");
                    default -> {
                        c.setAutoCommit(false);
                        s.execute("INSERT INTO docs VALUES (" + next++ + ", repeat('x', 100000))");
                        s.execute("UPDATE accounts SET owner = 'in a transaction' WHERE id = " + id);
                        c.commit();
                        c.setAutoCommit(true);
                    }
                }
                if (round == 300) {
                    s.execute("TRUNCATE docs");
                }
                Thread.sleep(5);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    /** The tables whose rows (ordered by id, each column as text) differ. */
    private static List<String> compare(Connection sw, Connection sub) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String table : TABLES) {
            if (!rows(sw, table).equals(rows(sub, table))) {
                out.add(table);
            }
        }
        return out;
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        b.append(rs.getString(i)).append('|');
                    }
                    out.add(b.toString());
                }
            }
        }
        return out;
    }
}
