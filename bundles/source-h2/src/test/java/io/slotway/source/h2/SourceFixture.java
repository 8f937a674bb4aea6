package io.slotway.source.h2;

import io.slotway.api.source.SqlSession;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh H2 source in a temporary data directory, with one open session, for each test. */
abstract class SourceFixture {
    @TempDir
    Path dir;
    H2Source source;
    FakeContext context;
    SqlSession session;

    @BeforeEach
    void open() throws Exception {
        source = new H2Source();
        source.start(dir);
        context = new FakeContext();
        session = source.openSession(context);
    }

    @AfterEach
    void close() {
        session.close();
        source.stop();
    }
}
