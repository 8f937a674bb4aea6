package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.change.Change;
import io.slotway.api.source.SqlSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM "dies" inside the commit protocol (the sink stops recording and H2 is shut down immediately);
 * the source is reopened on the same data directory with a sink holding what the dead one had prepared.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;
    H2Source source;
    FakeSink sink;
    SqlSession session;

    void open(FakeSink s) throws Exception {
        sink = s;
        source = new H2Source();
        source.start(dir, sink, new FakeFunctions());
        session = source.openSession(new FakeContext());
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
        if (source != null) {
            source.stop();
        }
    }

    /** A new sink that survived the crash: it still holds the prepared transactions of the dead one. */
    static FakeSink after(FakeSink dead) {
        FakeSink s = new FakeSink();
        s.pending.addAll(dead.pending);
        s.lastSeq = dead.lastSeq;
        return s;
    }

    void die() {
        sink.dead = true;
        try {
            source.crashDatabase();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void restart() throws Exception {
        FakeSink next = after(sink);
        session.close();
        session = null;
        source.stop();
        open(next);
    }

    @Test
    void aTransactionPreparedButNotCommittedInH2IsResolvedAsAbortedAndItsRowIsGone() throws Exception {
        open(new FakeSink());
        Sessions.run(session, "CREATE TABLE t (id integer PRIMARY KEY)");
        Sessions.run(session, "INSERT INTO t VALUES (1)");
        sink.onPrepare = this::die;
        assertThatThrownBy(() -> Sessions.run(session, "INSERT INTO t VALUES (2)")).isInstanceOf(Exception.class);
        long seq = sink.lastSeq;
        assertThat(sink.pending).containsExactly(seq);
        restart();
        assertThat(sink.resolved).singleElement().satisfies(r -> assertThat(r).containsExactly(seq, 0));
        assertThat(Sessions.run(session, "SELECT id FROM t ORDER BY id").rows()).extracting(r -> r[0]).containsExactly(1);
    }

    @Test
    void aTransactionCommittedInH2ButNotMarkedIsResolvedAsCommittedAndItsRowIsThere() throws Exception {
        open(new FakeSink());
        Sessions.run(session, "CREATE TABLE t (id integer PRIMARY KEY)");
        sink.onCommitted = this::die;
        try {
            Sessions.run(session, "INSERT INTO t VALUES (1)");
        } catch (Exception ignored) {
            // the client may or may not have heard of the commit
        }
        long seq = sink.lastSeq;
        restart();
        assertThat(sink.resolved).singleElement().satisfies(r -> assertThat(r).containsExactly(seq, 1));
        assertThat(Sessions.run(session, "SELECT id FROM t").rows()).extracting(r -> r[0]).containsExactly(1);
    }

    @Test
    void sequenceNumbersKeepIncreasingAcrossRestartsAndCaptureGoesOn() throws Exception {
        open(new FakeSink());
        Sessions.run(session, "CREATE TABLE t (id integer PRIMARY KEY)");
        Sessions.run(session, "INSERT INTO t VALUES (1)");
        long seq = sink.lastSeq;
        restart();
        Sessions.run(session, "INSERT INTO t VALUES (2)");
        assertThat(sink.last().seq).isGreaterThan(seq);
        assertThat(((Change.Insert) sink.last().changes.get(0)).newTuple().get(0)).isEqualTo(2);
        assertThat(sink.committed).hasSize(1); // nothing else: the schema was logged before the restart
    }

    @Test
    void aSchemaChangeH2CommittedButTheWalNeverHeardOfIsLoggedAtRestart() throws Exception {
        open(new FakeSink());
        Sessions.run(session, "CREATE TABLE t (id integer PRIMARY KEY)");
        sink.onPrepare = this::die;
        try {
            Sessions.run(session, "ALTER TABLE t ADD COLUMN v text");
        } catch (Exception ignored) {
            // died
        }
        restart();
        List<FakeSink.SchemaChange> changes = sink.committed.get(0).schemaChanges;
        assertThat(changes).singleElement().satisfies(sc -> {
            assertThat(sc.after().columns()).extracting(c -> c.name()).containsExactly("id", "v");
            assertThat(sc.tag()).isEqualTo("ALTER TABLE");
        });
    }
}
