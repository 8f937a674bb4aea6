package io.slotway.source.h2;

import io.slotway.api.change.Change;
import io.slotway.api.change.Tuple;
import io.slotway.api.source.SqlSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh H2 source capturing into a {@link FakeSink}, with a {@link FakeFunctions}, and one open session. */
abstract class CaptureFixture {
    @TempDir
    Path dir;
    H2Source source;
    FakeSink sink;
    FakeFunctions functions;
    FakeContext context;
    SqlSession session;

    @BeforeEach
    void open() throws Exception {
        sink = new FakeSink();
        functions = new FakeFunctions();
        source = new H2Source();
        source.start(dir, sink, functions);
        context = new FakeContext();
        session = source.openSession(context);
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
        source.stop();
    }

    void run(String sql) throws Exception {
        Sessions.run(session, sql);
    }

    /** Values of a tuple, or null. */
    static List<Object> values(Tuple t) {
        if (t == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (Object v : t.values()) {
            out.add(v);
        }
        return out;
    }

    /** The DML changes (no messages) of the last committed transaction. */
    List<Change> lastChanges() {
        return sink.last().changes;
    }
}
