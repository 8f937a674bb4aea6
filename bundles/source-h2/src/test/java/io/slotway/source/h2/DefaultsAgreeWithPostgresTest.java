package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import io.slotway.testkit.PgOracle;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Column defaults as the relation carries them (what wal2json's include-default prints) are what
 * PostgreSQL 15's {@code pg_get_expr(adbin, adrelid)} prints for the same DDL, on a real PostgreSQL.
 */
class DefaultsAgreeWithPostgresTest extends CaptureFixture {
    private static final String TABLE = "CREATE TABLE dd (id serial PRIMARY KEY, a int DEFAULT 42, b bigint DEFAULT 42,"
            + " c smallint DEFAULT -1, d int DEFAULT -5, e numeric(10,2) DEFAULT 1.5, f numeric DEFAULT 0, g text DEFAULT 'dflt',"
            + " h varchar(20) DEFAULT 'v', i char(5) DEFAULT 'c', j boolean DEFAULT true, k date DEFAULT current_date,"
            + " l timestamptz DEFAULT now(), m timestamp DEFAULT CURRENT_TIMESTAMP, o jsonb DEFAULT '{}', p float8 DEFAULT 1.5,"
            + " q real DEFAULT 2, r int DEFAULT 1+2, s text DEFAULT 'a'||'b', t int[] DEFAULT '{1,2}', v text DEFAULT NULL,"
            + " x interval DEFAULT '1 day', y text DEFAULT current_user, z int DEFAULT (3 * 4), aa date DEFAULT '2024-01-01',"
            + " ac numeric DEFAULT -1.5, ae text DEFAULT lower('X'), af bigint DEFAULT 5000000000, ag text DEFAULT 'it''s')";

    @Test
    void defaultsReadAsPostgresPrintsThem() throws Exception {
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("defaults");
        Map<String, String> expected = new LinkedHashMap<>();
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute(TABLE);
            s.execute("ALTER TABLE dd ADD COLUMN ah text DEFAULT 'added'");
            s.execute("ALTER TABLE dd ALTER COLUMN a SET DEFAULT 7");
            s.execute("ALTER TABLE dd ALTER COLUMN b DROP DEFAULT");
            try (ResultSet rs = s.executeQuery("SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a"
                    + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " WHERE a.attrelid = 'dd'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
                while (rs.next()) {
                    expected.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        run(TABLE);
        run("ALTER TABLE dd ADD COLUMN ah text DEFAULT 'added'");
        run("ALTER TABLE dd ALTER COLUMN a SET DEFAULT 7");
        run("ALTER TABLE dd ALTER COLUMN b DROP DEFAULT");
        run("INSERT INTO dd (id) VALUES (1)");
        Relation r = ((io.slotway.api.change.Change.Insert) lastChanges().get(0)).relation();
        Map<String, String> actual = new LinkedHashMap<>();
        for (Column col : r.columns()) {
            actual.put(col.name(), col.defaultExpr());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
        assertThat(r.columns().get(0).primaryKey()).isTrue();
    }
}
