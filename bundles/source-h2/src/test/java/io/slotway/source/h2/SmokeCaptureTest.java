package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Change;
import org.junit.jupiter.api.Test;

class SmokeCaptureTest extends CaptureFixture {
    @Test
    void anInsertUpdateAndDeleteReachTheSink() throws Exception {
        run("CREATE TABLE t (id integer PRIMARY KEY, v text)");
        int ddl = sink.committed.size();
        run("INSERT INTO t VALUES (1, 'a')");
        run("UPDATE t SET v = 'b' WHERE id = 1");
        run("DELETE FROM t WHERE id = 1");
        System.out.println(sink.committed.size() + " " + ddl);
        for (FakeSink.Tx tx : sink.committed) {
            System.out.println(tx.xid + " " + tx.records);
        }
        assertThat(sink.committed).hasSize(ddl + 3);
        assertThat(sink.committed.get(ddl).changes.get(0)).isInstanceOf(Change.Insert.class);
    }
}
