package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.SqlSession;
import io.slotway.api.types.PgType;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2SourceTest extends SourceFixture {
    @Test
    void createsInsertsAndSelectsIntegersAndText() throws Exception {
        assertThat(Sessions.tag(session, "CREATE TABLE t (id integer PRIMARY KEY, name text)")).isEqualTo("CREATE TABLE");
        assertThat(Sessions.tag(session, "INSERT INTO t VALUES (1, 'one'), (2, E'tw\\'o')")).isEqualTo("INSERT 0 2");
        Sessions.Outcome out = Sessions.run(session, "SELECT * FROM t ORDER BY id");
        assertThat(out.tag()).isEqualTo("SELECT 2");
        assertThat(out.rows()).containsExactly(new Object[] {1, "one"}, new Object[] {2, "tw'o"});
        ColumnDescription id = out.columns().get(0);
        assertThat(id.name()).isEqualTo("id");
        assertThat(id.type()).isEqualTo(PgType.INT4);
        assertThat(id.tableOid()).isGreaterThanOrEqualTo(16384);
        assertThat(id.columnNumber()).isEqualTo((short) 1);
        assertThat(out.columns().get(1).type()).isEqualTo(PgType.TEXT);
    }

    @Test
    void namesAndTypesComputedColumnsAsPostgresDoes() throws Exception {
        Sessions.Outcome out = Sessions.run(session, "SELECT 1, 'a', 1.5, 1::int8, count(*), x.y AS z, true, md5('a') FROM (SELECT 2 AS y) x");
        assertThat(out.columns()).extracting(ColumnDescription::name)
                .containsExactly("?column?", "?column?", "?column?", "int8", "count", "z", "bool", "md5");
        assertThat(out.columns()).extracting(ColumnDescription::type)
                .containsExactly(PgType.INT4, PgType.TEXT, PgType.NUMERIC, PgType.INT8, PgType.INT8, PgType.INT4, PgType.BOOL, PgType.TEXT);
        assertThat(out.rows().get(0)[7]).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
    }
}
