package io.slotway.itests;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGProperty;

/**
 * A steady, bounded write load on loopback: inserts rows 1, 2, 3, ... into {@code hot}, one transaction
 * each, every {@code intervalMillis}, until it has written {@code maxRows}, {@code maxSeconds} have
 * passed, or {@link #stop} — whichever comes first. One writer, so commit order is id order.
 */
public final class RowWriter implements Runnable {
    private final String host;
    private final int port;
    private final long maxRows;
    private final long maxSeconds;
    private final long intervalMillis;
    private volatile boolean stop;
    public volatile long written;
    public volatile Throwable failed;
    private Thread thread;

    public RowWriter(String host, int port, long maxRows, long maxSeconds, long intervalMillis) {
        this.host = host;
        this.port = port;
        this.maxRows = maxRows;
        this.maxSeconds = maxSeconds;
        this.intervalMillis = intervalMillis;
    }

    public RowWriter start() {
        thread = new Thread(this, "row-writer");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Stops writing and waits for the last insert to finish; returns how many rows were committed. */
    public long stopAndJoin() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        return written;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.CONNECT_TIMEOUT.set(p, 5);
        PGProperty.SOCKET_TIMEOUT.set(p, 30);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
             PreparedStatement insert = c.prepareStatement("INSERT INTO hot (id, v) VALUES (?, ?)")) {
            while (!stop && written < maxRows && System.nanoTime() < deadline) {
                long id = written + 1;
                insert.setLong(1, id);
                insert.setString(2, "row " + id);
                insert.executeUpdate();
                written = id;
                Thread.sleep(intervalMillis);
            }
        } catch (Throwable t) {
            failed = t;
        }
    }
}
