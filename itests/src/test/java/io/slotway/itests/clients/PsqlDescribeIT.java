package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * psql 15's describe commands run through the real psql against Slotway and against PostgreSQL 15 holding
 * the same schema (primary, unique, foreign and check constraints, defaults, serial and identity columns,
 * indexes, replica identity, a view, sequences, a function, publications); the outputs must be identical,
 * except for the commands listed with their reason in {@code psql-describe-known-differences.txt}. Nothing is
 * normalised: the schema has no owner other than the superuser both servers call {@code postgres}, and psql
 * prints no OIDs in these commands.
 */
class PsqlDescribeIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("psql-describe");

    static final String SCHEMA = """
            CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) DEFAULT 0 CHECK (balance >= 0),
                                   created timestamptz DEFAULT now(), email varchar(80) UNIQUE);
            CREATE TABLE transfers (id serial PRIMARY KEY, src bigint NOT NULL REFERENCES accounts(id),
                                    dst bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, amount numeric(12,2), note varchar(40));
            CREATE INDEX transfers_src_idx ON transfers(src);
            CREATE UNIQUE INDEX accounts_owner_uq ON accounts(owner);
            CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text DEFAULT 'x', flag boolean DEFAULT true);
            ALTER TABLE events REPLICA IDENTITY FULL;
            CREATE TABLE keyed (a int NOT NULL, b int NOT NULL, c text);
            CREATE UNIQUE INDEX keyed_ab ON keyed(a, b);
            ALTER TABLE keyed REPLICA IDENTITY USING INDEX keyed_ab;
            CREATE SEQUENCE counter START 5 INCREMENT 2;
            CREATE VIEW rich AS SELECT id, owner FROM accounts WHERE balance > 100;
            CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql AS 'select i+1';
            CREATE SCHEMA audit;
            CREATE TABLE audit.log (ts timestamptz, msg text);
            CREATE PUBLICATION pub_all FOR TABLE accounts, transfers;
            CREATE PUBLICATION pub_ins FOR TABLE events WITH (publish = 'insert');
            """;

    static final List<String> COMMANDS = List.of("\\dt", "\\d", "\\d accounts", "\\d transfers", "\\d events", "\\d keyed",
            "\\d audit.log", "\\d rich", "\\d counter", "\\d+ accounts", "\\d+ transfers", "\\dn", "\\dv", "\\ds", "\\di",
            "\\df", "\\dRp", "\\dRp+", "\\dRs");

    @Test
    void describeCommandsPrintWhatPostgreSQL15Prints() throws Exception {
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("describe");
        Psql.Result setupPg = Psql.run(pg.host(), pg.port(), "postgres", db, SCHEMA, "-v", "ON_ERROR_STOP=1", "-q");
        assertThat(setupPg.exitCode()).as("PostgreSQL: %s", setupPg.stderr()).isZero();
        Psql.Result setupSw = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", SCHEMA, "-v", "ON_ERROR_STOP=1", "-q");
        assertThat(setupSw.exitCode()).as("Slotway: %s", setupSw.stderr()).isZero();

        Map<String, String> known = known();
        List<String> unexpected = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        int identical = 0;
        for (String command : COMMANDS) {
            Psql.Result expected = Psql.run(pg.host(), pg.port(), "postgres", db, null, "-c", command);
            Psql.Result actual = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", null, "-c", command);
            String e = expected.stdout() + expected.stderr();
            String a = actual.stdout() + actual.stderr();
            if (e.equals(a)) {
                identical++;
                if (known.containsKey(command)) {
                    fixed.add(command);
                }
                continue;
            }
            report.append("\n=== ").append(command).append(known.containsKey(command) ? " (known: " + known.get(command) + ")" : " (NEW)")
                    .append("\n--- PostgreSQL\n").append(e).append("--- Slotway\n").append(a);
            if (!known.containsKey(command)) {
                unexpected.add(command);
            }
        }
        Path out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("psql-describe");
        Files.createDirectories(out);
        Files.writeString(out.resolve("differences.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("PsqlDescribeIT: " + identical + " of " + COMMANDS.size() + " identical"
                + (fixed.isEmpty() ? "" : "; now identical, remove from the known differences: " + fixed));
        assertThat(unexpected).as("describe commands differing and not listed (see %s)%s", out.resolve("differences.txt"), report)
                .isEmpty();
    }

    static Map<String, String> known() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = PsqlDescribeIT.class.getResourceAsStream("/psql-describe-known-differences.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.put(tab < 0 ? line.strip() : line.substring(0, tab), tab < 0 ? "" : line.substring(tab + 1).strip());
            }
        }
        return out;
    }
}
