package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.slotway.api.PgException;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** H2's errors reach the client as PostgreSQL's: the SQLSTATE, message, detail and position PostgreSQL 15 gives. */
class ErrorMappingTest {
    @TempDir
    Path dir;
    H2Source source;
    SqlSession session;

    @BeforeEach
    void open() throws Exception {
        source = new H2Source();
        source.start(dir);
        session = source.openSession(new FakeContext());
        for (String s : new String[] {
            "CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL, u varchar(3) UNIQUE, n int CHECK (n > 0))",
            "CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent(id))",
            "INSERT INTO parent VALUES (1, 'one', 'a', 1)",
            "INSERT INTO child VALUES (1, 1)"}) {
            Sessions.run(session, s);
        }
    }

    @AfterEach
    void close() {
        session.close();
        source.stop();
    }

    private PgException error(String sql) {
        return catchThrowableOfType(() -> Sessions.run(session, sql), PgException.class);
    }

    @Test
    void uniqueViolationNamesTheConstraintAndTheKey() {
        PgException e = error("INSERT INTO parent VALUES (1, 'again', 'b', 1)");
        assertThat(e.sqlState()).isEqualTo("23505");
        assertThat(e.getMessage()).isEqualTo("duplicate key value violates unique constraint \"parent_pkey\"");
        assertThat(e.detail()).isEqualTo("Key (id)=(1) already exists.");
        e = error("INSERT INTO parent VALUES (2, 'two', 'a', 1)");
        assertThat(e.getMessage()).isEqualTo("duplicate key value violates unique constraint \"parent_u_key\"");
        assertThat(e.detail()).isEqualTo("Key (u)=(a) already exists.");
    }

    @Test
    void notNullViolationNamesColumnAndRelation() {
        PgException e = error("INSERT INTO parent (id) VALUES (3)");
        assertThat(e.sqlState()).isEqualTo("23502");
        assertThat(e.getMessage()).isEqualTo("null value in column \"name\" of relation \"parent\" violates not-null constraint");
    }

    @Test
    void foreignKeyViolationsBothWays() {
        PgException e = error("INSERT INTO child VALUES (2, 99)");
        assertThat(e.sqlState()).isEqualTo("23503");
        assertThat(e.getMessage()).isEqualTo("insert or update on table \"child\" violates foreign key constraint \"child_pid_fkey\"");
        assertThat(e.detail()).isEqualTo("Key (pid)=(99) is not present in table \"parent\".");
        e = error("DELETE FROM parent WHERE id = 1");
        assertThat(e.sqlState()).isEqualTo("23503");
        assertThat(e.getMessage()).isEqualTo(
                "update or delete on table \"parent\" violates foreign key constraint \"child_pid_fkey\" on table \"child\"");
    }

    @Test
    void checkViolationNamesTheConstraint() {
        PgException e = error("INSERT INTO parent VALUES (4, 'four', 'd', -1)");
        assertThat(e.sqlState()).isEqualTo("23514");
        assertThat(e.getMessage()).isEqualTo("new row for relation \"parent\" violates check constraint \"parent_n_check\"");
    }

    @Test
    void undefinedTableAndColumnCarryPositions() {
        PgException e = error("SELECT * FROM foo");
        assertThat(e.sqlState()).isEqualTo("42P01");
        assertThat(e.getMessage()).isEqualTo("relation \"foo\" does not exist");
        assertThat(e.position()).isEqualTo(15);
        e = error("SELECT x FROM parent");
        assertThat(e.sqlState()).isEqualTo("42703");
        assertThat(e.getMessage()).isEqualTo("column \"x\" does not exist");
        assertThat(e.position()).isEqualTo(8);
    }

    @Test
    void syntaxErrorPointsAtTheClientsToken() {
        PgException e = error("SELECT * FORM parent");
        assertThat(e.sqlState()).isEqualTo("42601");
        assertThat(e.getMessage()).isEqualTo("syntax error at or near \"FORM\"");
        assertThat(e.position()).isEqualTo(10);
    }

    @Test
    void duplicateTableAndDataErrors() {
        PgException e = error("CREATE TABLE parent (x int)");
        assertThat(e.sqlState()).isEqualTo("42P07");
        assertThat(e.getMessage()).isEqualTo("relation \"parent\" already exists");
        assertThat(error("SELECT 1/0").sqlState()).isEqualTo("22012");
        assertThat(error("SELECT 1/0").getMessage()).isEqualTo("division by zero");
        assertThat(error("SELECT CAST(x AS int) FROM (SELECT 'abc' AS x) s").sqlState()).isEqualTo("22P02");
        assertThat(error("SELECT CAST(100000 AS smallint)").sqlState()).isEqualTo("22003");
        assertThat(error("INSERT INTO parent (id, name) VALUES ('abc', 'x')").sqlState()).isEqualTo("22P02");
        e = error("INSERT INTO parent VALUES (9, 'x', 'toolong', 1)");
        assertThat(e.sqlState()).isEqualTo("22001");
        assertThat(e.getMessage()).isEqualTo("value too long for type character varying(3)");
    }

    @Test
    void lockTimeoutIs55P03() throws Exception {
        try (SqlSession other = source.openSession(new FakeContext())) {
            session.begin(TransactionMode.DEFAULT);
            Sessions.run(session, "UPDATE parent SET name = 'mine' WHERE id = 1");
            ((H2Session) other).execute("SET LOCK_TIMEOUT 100");
            PgException e = catchThrowableOfType(() -> Sessions.run(other, "UPDATE parent SET name = 'theirs' WHERE id = 1"),
                    PgException.class);
            assertThat(e.sqlState()).isEqualTo("55P03");
            assertThat(e.getMessage()).isEqualTo("canceling statement due to lock timeout");
            session.rollback();
        }
    }

    /**
     * Issue 5: pgjdbc's getIndexInfo query, sent to the source, failed to parse there; H2 quotes the whole statement in
     * the message and the regular expression that picked the first quoted name overflowed the backend thread's stack.
     */
    @Test
    void issue5_syntaxErrorInALongStatementIsMappedWithoutOverflowingTheStack() {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < 20_000; i++) {
            sql.append("'x\"\"y', ");
        }
        sql.append("1 FROM parent WHERE &&");
        PgException e = error(sql.toString());
        assertThat(e.sqlState()).isEqualTo("42601");
        assertThat(ErrorMapper.firstQuoted("Column \"a\"\"b\" not found; \"c\"")).isEqualTo("a\"b");
        assertThat(ErrorMapper.firstQuoted("no quotes")).isNull();
        assertThat(ErrorMapper.firstQuoted("open \"end")).isNull();
    }
}
