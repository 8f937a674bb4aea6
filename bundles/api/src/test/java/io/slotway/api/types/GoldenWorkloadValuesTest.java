package io.slotway.api.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Every column value that the golden workload ({@code /work/shared/pg-reference/golden}) inserts into
 * {@code gw_types}: read through Slotway's codecs from PG's text and binary forms, written back, and
 * compared byte for byte with PostgreSQL's output and send functions.
 */
class GoldenWorkloadValuesTest {
    private static final Path GOLDEN = Paths.get(System.getProperty("slotway.golden.dir", "/work/shared/pg-reference/golden"));

    /** Column name, Slotway type, typmod, PostgreSQL send function. */
    private record Col(String name, PgType type, int typmod, String send) {}

    private static final List<Col> COLUMNS = List.of(
            new Col("c_smallint", PgType.INT2, -1, "int2send"),
            new Col("c_int", PgType.INT4, -1, "int4send"),
            new Col("c_bigint", PgType.INT8, -1, "int8send"),
            new Col("c_numeric", PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(12, 3), "numeric_send"),
            new Col("c_real", PgType.FLOAT4, -1, "float4send"),
            new Col("c_double", PgType.FLOAT8, -1, "float8send"),
            new Col("c_bool", PgType.BOOL, -1, "boolsend"),
            new Col("c_text", PgType.TEXT, -1, "textsend"),
            new Col("c_varchar", PgType.VARCHAR, 24, "varcharsend"),
            new Col("c_char", PgType.BPCHAR, 9, "bpcharsend"),
            new Col("c_bytea", PgType.BYTEA, -1, "byteasend"),
            new Col("c_date", PgType.DATE, -1, "date_send"),
            new Col("c_time", PgType.TIME, -1, "time_send"),
            new Col("c_ts", PgType.TIMESTAMP, -1, "timestamp_send"),
            new Col("c_tstz", PgType.TIMESTAMPTZ, -1, "timestamptz_send"),
            new Col("c_interval", PgType.INTERVAL, -1, "interval_send"),
            new Col("c_uuid", PgType.UUID, -1, "uuid_send"),
            new Col("c_json", PgType.JSON, -1, "json_send"),
            new Col("c_jsonb", PgType.JSONB, -1, "jsonb_send"),
            new Col("c_int_arr", PgType.INT4_ARRAY, -1, "array_send"),
            new Col("c_text_arr", PgType.TEXT_ARRAY, -1, "array_send"));

    private static List<String> statements(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("--")) {
                continue;
            }
            cur.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            }
        }
        return out;
    }

    @Test
    void readsAndWritesEveryGoldenColumnValueAsPostgresDoes() throws IOException, SQLException {
        List<String> create = statements(GOLDEN.resolve("setup.sql")).stream().filter(s -> s.startsWith("CREATE TABLE gw_types")).toList();
        List<String> inserts = statements(GOLDEN.resolve("workload.sql")).stream()
                .filter(s -> s.startsWith("INSERT INTO gw_types") && !s.contains("rolled back") && !s.contains("c_added")).toList();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(create).hasSize(1);
        soft.assertThat(inserts.size()).isGreaterThanOrEqualTo(5);
        int checked = 0;
        try (Connection c = Oracle.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute(create.get(0).replace("CREATE TABLE gw_types", "CREATE TEMP TABLE gw_types"));
            for (String insert : inserts) {
                s.execute(insert);
            }
            for (SessionFormat f : List.of(SessionFormat.DEFAULT, AgreesWithPostgresTest.SESSIONS.get(4))) {
                s.execute("SET TimeZone = '" + f.timeZone().getId() + "'");
                s.execute("SET IntervalStyle = '" + f.intervalStyle() + "'");
                s.execute("SET extra_float_digits = " + f.extraFloatDigits());
                s.execute("SET bytea_output = '" + (f.byteaHex() ? "hex" : "escape") + "'");
                StringBuilder q = new StringBuilder("SELECT id");
                for (Col col : COLUMNS) {
                    q.append(", format('%s', ").append(col.name()).append("), ").append(col.send()).append('(').append(col.name()).append(')');
                }
                q.append(" FROM gw_types ORDER BY id");
                try (ResultSet rs = s.executeQuery(q.toString())) {
                    ResultSetMetaData md = rs.getMetaData();
                    soft.assertThat(md.getColumnCount()).isEqualTo(1 + 2 * COLUMNS.size());
                    while (rs.next()) {
                        int id = rs.getInt(1);
                        for (int i = 0; i < COLUMNS.size(); i++) {
                            Col col = COLUMNS.get(i);
                            String text = rs.getString(2 + 2 * i);
                            byte[] bin = rs.getBytes(3 + 2 * i);
                            String where = "row " + id + " " + col.name() + " under " + f;
                            if (bin == null) {
                                continue; // SQL NULL (format() writes it as an empty string)
                            }
                            try {
                                Object fromBin = PgValues.fromBinary(col.type(), col.typmod(), bin);
                                soft.assertThat(PgValues.toText(col.type(), fromBin, f)).as("text from binary, " + where).isEqualTo(text);
                                soft.assertThat(AgreesWithPostgresTest.hex(PgValues.toBinary(col.type(), fromBin)))
                                        .as("binary round trip, " + where).isEqualTo(AgreesWithPostgresTest.hex(bin));
                                if (!AgreesWithPostgresTest.rereads(col.type(), f)) {
                                    continue;
                                }
                                Object fromText = PgValues.fromText(col.type(), col.typmod(), text, f);
                                soft.assertThat(AgreesWithPostgresTest.hex(PgValues.toBinary(col.type(), fromText)))
                                        .as("binary from text, " + where).isEqualTo(AgreesWithPostgresTest.hex(bin));
                                soft.assertThat(PgValues.toText(col.type(), fromText, f)).as("text round trip, " + where).isEqualTo(text);
                                checked++;
                            } catch (Exception e) {
                                soft.fail(where + " raised " + e);
                            }
                        }
                    }
                }
            }
        }
        soft.assertThat(checked).as("values checked").isGreaterThan(100);
        soft.assertAll();
    }
}
