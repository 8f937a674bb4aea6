package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session-level behaviour through psql, compared line by line with a real PostgreSQL 15: transaction
 * blocks and their failed state, savepoints, warnings, SET/SHOW/RESET, command tags, errors.
 */
class SessionConformanceIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("session-conformance");

    /** Runs the script on both (psql -e echoes each statement) and compares everything printed. */
    private static void sameAsPostgres(String script) throws Exception {
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("session");
        Psql.Result expected = Psql.run(pg.host(), pg.port(), "postgres", db, script, "-e");
        Psql.Result actual = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", script, "-e");
        assertThat(actual.stdout()).isEqualTo(expected.stdout());
        assertThat(actual.stderr()).isEqualTo(expected.stderr());
        assertThat(actual.exitCode()).isEqualTo(expected.exitCode());
    }

    @Test
    void transactionBlocksBehaveAsInPostgres() throws Exception {
        sameAsPostgres(String.join("\n",
                "CREATE TABLE tx (id int PRIMARY KEY, v text);",
                "BEGIN;",
                "INSERT INTO tx VALUES (1, 'a');",
                "SAVEPOINT s1;",
                "INSERT INTO tx VALUES (1, 'dup');",
                "SELECT 1;",
                "ROLLBACK TO SAVEPOINT s1;",
                "INSERT INTO tx VALUES (2, 'b');",
                "RELEASE SAVEPOINT s1;",
                "ROLLBACK TO s1;",
                "COMMIT;",
                "SELECT * FROM tx ORDER BY id;",
                "BEGIN; BEGIN;",
                "INSERT INTO tx VALUES (3, 'c');",
                "END;",
                "COMMIT;",
                "ROLLBACK;",
                "SAVEPOINT nope;",
                "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;",
                "SHOW transaction_isolation;",
                "ABORT;",
                "INSERT INTO tx VALUES (4, 'd'); INSERT INTO tx VALUES (4, 'again'); INSERT INTO tx VALUES (5, 'e');",
                "SELECT count(*) FROM tx;",
                "BEGIN;",
                "DELETE FROM tx WHERE id = 3;",
                "SELECT 1/0;",
                "COMMIT;",
                "SELECT * FROM tx ORDER BY id;",
                ""));
    }

    @Test
    void settingsBehaveAsInPostgres() throws Exception {
        sameAsPostgres(String.join("\n",
                "SHOW DateStyle;",
                "SET DateStyle = 'German';",
                "SHOW DateStyle;",
                "SET datestyle TO iso, dmy;",
                "SHOW datestyle;",
                "RESET DateStyle;",
                "SHOW DateStyle;",
                "SET TIME ZONE 'America/New_York';",
                "SHOW TimeZone;",
                "BEGIN; SET LOCAL TimeZone = 'Asia/Tokyo'; SHOW TimeZone; COMMIT;",
                "SHOW TimeZone;",
                "BEGIN; SET TimeZone = 'Asia/Tokyo'; ROLLBACK;",
                "SHOW TimeZone;",
                "SET LOCAL extra_float_digits = 2;",
                "SET no_such_thing = 1;",
                "SHOW no_such_thing;",
                "SET server_version = '9';",
                "SET extra_float_digits = 77;",
                "SET IntervalStyle = 'nonsense';",
                "SET bytea_output = 'escape';",
                "SHOW bytea_output;",
                "SET my.option = 'value';",
                "SHOW my.option;",
                "RESET ALL;",
                "SHOW bytea_output;",
                // server_version_num is left out: Slotway reports 15.20 whatever minor the oracle has
                "SHOW integer_datetimes;",
                "SHOW standard_conforming_strings;",
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
                "SHOW default_transaction_isolation;",
                "SET TRANSACTION READ ONLY;",
                "DISCARD ALL;",
                "LISTEN chan;",
                ""));
    }

    @Test
    void syntaxErrorsAndEmptyStatementsBehaveAsInPostgres() throws Exception {
        sameAsPostgres(String.join("\n",
                ";",
                "SELEC 1;",
                "SELECT 'unterminated;",
                "';",
                "SELECT 1 -- comment only after",
                ";",
                "/* a comment */ SELECT 2;",
                "SELECT $$dollar; quoted$$;",
                "SELECT E'tab\\there';",
                "SELECT * FROM no_such_table;",
                "SET TimeZone = 'Mars/Olympus';",
                "SET intervalstyle = 'x';",
                "SET DateStyle = 'Foo';",
                "SET standard_conforming_strings = maybe;",
                ""));
    }
}
