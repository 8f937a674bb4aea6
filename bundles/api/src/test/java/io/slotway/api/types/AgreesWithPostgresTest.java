package io.slotway.api.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.slotway.api.PgException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares text output, binary send and binary receive with a real PostgreSQL 15, for many values of
 * each type, under several session settings.
 */
class AgreesWithPostgresTest {
    private static Connection pg;

    /** Session settings the comparisons run under. */
    static final List<SessionFormat> SESSIONS = List.of(
            SessionFormat.DEFAULT,
            new SessionFormat("SQL, DMY", "sql_standard", ZoneId.of("Asia/Kolkata"), 0, false),
            new SessionFormat("Postgres, MDY", "postgres_verbose", ZoneId.of("America/Sao_Paulo"), -3, true),
            new SessionFormat("German, DMY", "iso_8601", ZoneId.of("Europe/Berlin"), 3, true),
            new SessionFormat("ISO, YMD", "postgres", ZoneId.of("America/New_York"), -15, false),
            new SessionFormat("SQL, MDY", "postgres", ZoneId.of("Australia/Lord_Howe"), 2, true));

    @BeforeAll
    static void connect() throws SQLException {
        pg = Oracle.connect();
        try (Statement s = pg.createStatement()) {
            // pgjdbc drops a connection whose DateStyle is reported as non-ISO, so DateStyle is set only
            // for the duration of one statement (set_config is_local), and never reported to the driver.
            s.execute("CREATE FUNCTION pg_temp.styled(ds text, q text, vals text[]) RETURNS TABLE(t text, b bytea) "
                    + "LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('DateStyle', ds, true); "
                    + "RETURN QUERY EXECUTE q USING vals; END $$");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        pg.close();
    }

    static void apply(SessionFormat f) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("SET IntervalStyle = '" + f.intervalStyle() + "'");
            s.execute("SET TimeZone = '" + f.timeZone().getId() + "'");
            s.execute("SET extra_float_digits = " + f.extraFloatDigits());
            s.execute("SET bytea_output = '" + (f.byteaHex() ? "hex" : "escape") + "'");
        }
    }

    /**
     * For every value and session: PG's {@code v::sqlType::text} equals toText(fromText(v)); PG's send
     * output equals toBinary; fromBinary of PG's bytes writes the same text.
     */
    static void agree(PgType type, int typmod, String sqlType, String sendFn, List<String> values) throws SQLException {
        agree(type, typmod, sqlType, sendFn, values, SESSIONS);
    }

    static void agree(PgType type, int typmod, String sqlType, String sendFn, List<String> values,
                      List<SessionFormat> sessions) throws SQLException {
        SoftAssertions soft = new SoftAssertions();
        for (SessionFormat f : sessions) {
            apply(f);
            try (PreparedStatement ps = pg.prepareStatement("SELECT * FROM pg_temp.styled(?, ?, ?::text[])")) {
                ps.setString(1, f.dateStyle());
                ps.setString(2, "SELECT format('%s', v::" + sqlType + "), " + sendFn + "(v::" + sqlType
                        + ") FROM unnest($1) WITH ORDINALITY AS u(v, i) ORDER BY i");
                Array arr = pg.createArrayOf("text", values.toArray());
                ps.setArray(3, arr);
                try (ResultSet rs = ps.executeQuery()) {
                    for (String v : values) {
                        rs.next();
                        String pgText = rs.getString(1);
                        byte[] pgBin = rs.getBytes(2);
                        String where = sqlType + " '" + v + "' under " + f;
                        try {
                            Object ours = PgValues.fromText(type, typmod, v, f);
                            soft.assertThat(PgValues.toText(type, ours, f)).as("text of " + where).isEqualTo(pgText);
                            soft.assertThat(hex(PgValues.toBinary(type, ours))).as("send of " + where).isEqualTo(hex(pgBin));
                            Object back = PgValues.fromBinary(type, typmod, pgBin);
                            soft.assertThat(PgValues.toText(type, back, f)).as("recv of " + where).isEqualTo(pgText);
                            // and PG's own text output reads back to the same value
                            if (!rereads(type, f)) {
                                continue;
                            }
                            Object again = PgValues.fromText(type, typmod, pgText, f);
                            soft.assertThat(hex(PgValues.toBinary(type, again))).as("re-read of " + where + " as " + pgText)
                                    .isEqualTo(hex(pgBin));
                        } catch (PgException | RuntimeException e) {
                            soft.fail(where + " raised " + e);
                        }
                    }
                }
            }
        }
        soft.assertAll();
    }

    /** Reading back non-ISO date/time output (e.g. "Thu Feb 29 ... 2024 -03") is not implemented. */
    static boolean rereads(PgType type, SessionFormat f) {
        PgType t = type.isArray() ? type.elementType() : type;
        if (t == PgType.FLOAT4 || t == PgType.FLOAT8) {
            return f.extraFloatDigits() > 0; // fewer digits than needed do not read back exactly, in PG either
        }
        return t.category() != 'D' || DateTimes.style(f) == DateTimes.Style.ISO;
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().formatHex(b);
    }

    static int numericTypmod(int p, int s) {
        return ((p << 16) | (s & 0x7FF)) + 4;
    }

    // ------------------------------------------------------------------ scalars

    @Test
    void writesBooleansAsPostgresDoes() throws SQLException {
        agree(PgType.BOOL, -1, "bool", "boolsend", List.of("t", "f", "true", "FALSE", " yes ", "no", "on", "off", "of", "1", "0", "y", "n", "TR"));
    }

    @Test
    void writesIntegersAsPostgresDoes() throws SQLException {
        agree(PgType.INT2, -1, "int2", "int2send", List.of("0", "32767", "-32768", " 12 ", "+5", "-0", "007"));
        agree(PgType.INT4, -1, "int4", "int4send", List.of("0", "2147483647", "-2147483648", "42", "  -17\n", "+1"));
        agree(PgType.INT8, -1, "int8", "int8send", List.of("0", "9223372036854775807", "-9223372036854775808", "1234567890123"));
        agree(PgType.OID, -1, "oid", "oidsend", List.of("0", "16384", "4294967295", "-1", "-2147483648"));
    }

    @Test
    void writesDoublePrecisionAsPostgresDoes() throws SQLException {
        agree(PgType.FLOAT8, -1, "float8", "float8send", List.of("1.5", "3.141592653589793", "1e20", "1e+20", "1.2345e-05",
                "Infinity", "-Infinity", "NaN", "-0", "0", "0.1", "1e15", "1e14", "123456789012345678", "0.0001", "0.00001",
                "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308", "-1.0000000000000002", "100", "1e16",
                "123456.789e3", " inf ", "-INF", "nan", ".5", "5.", "2.82879384806159e17", "0.30000000000000004",
                "9007199254740993", "1e-4", "1e-5", "33.333333333333336", "1e22", "1e23"));
    }

    @Test
    void writesRealAsPostgresDoes() throws SQLException {
        agree(PgType.FLOAT4, -1, "float4", "float4send", List.of("1.5", "3.14159265", "1e20", "1e6", "123456", "1234567",
                "1.2345e-05", "Infinity", "-Infinity", "NaN", "-0", "0.1", "3.4028235e38", "1e-45", "1.17549435e-38",
                "0.0001", "99999.99", "16777217", "0.3"));
    }

    @Test
    void writesNumericKeepingItsScale() throws SQLException {
        List<String> values = List.of("123456789.123", "-0.001", "NaN", "Infinity", "-Infinity", "0", "0.00", "-0", "1e3",
                "1.5e-3", "1.50", " 42 ", "+7.0", ".5", "5.", "99999999999999999999999999.000000000000000000001",
                "-12345678.87654321", "10000", "0.0001", "1e-20", "100000000", "0.000100", "inf", "12.345E+2");
        agree(PgType.NUMERIC, -1, "numeric", "numeric_send", values);
        agree(PgType.NUMERIC, numericTypmod(12, 3), "numeric(12,3)", "numeric_send",
                List.of("123456789.123", "-0.001", "NaN", "0", "1.0005", "-1.0005", "2.5", "999999999.9994", "0.0004"));
        agree(PgType.NUMERIC, numericTypmod(5, 0), "numeric(5,0)", "numeric_send", List.of("12345", "1.5", "-2.5", "0.4"));
        agree(PgType.NUMERIC, numericTypmod(3, -2), "numeric(3,-2)", "numeric_send", List.of("12345", "149", "-99949"));
    }

    @Test
    void writesCharacterTypesVerbatim() throws SQLException {
        List<String> values = List.of("plain text", "", " padded ", "héllo wörld – 日本語 – 🐘 – Ω≈ç√", "quote ' double \" \\ \t\n end");
        agree(PgType.TEXT, -1, "text", "textsend", values);
        agree(PgType.VARCHAR, 24, "varchar(20)", "varcharsend", List.of("varchar20", "", "it's \"q\"", "ünïcödé"));
        agree(PgType.BPCHAR, 9, "char(5)", "bpcharsend", List.of("abc", "", "a\\b", "ßüé", "abcde"));
        agree(PgType.NAME, -1, "name", "namesend", List.of("pg_class", "x".repeat(70), "é".repeat(40)));
    }

    @Test
    void writesByteaInHexAndEscapeStyles() throws SQLException {
        agree(PgType.BYTEA, -1, "bytea", "byteasend", List.of("\\xdeadbeef", "\\x", "\\x00ff5c27225c", "abc\\000", "\\x 00 FF ",
                "plain", "a\\\\b", "\\001\\177\\200\\377", "é"));
    }

    @Test
    void writesUuidsInLowerCase() throws SQLException {
        agree(PgType.UUID, -1, "uuid", "uuid_send", List.of("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"));
    }

    @Test
    void writesDatesUnderEveryDateStyle() throws SQLException {
        agree(PgType.DATE, -1, "date", "date_send", List.of("2024-02-29", "infinity", "-infinity", "0001-01-01", "0044-03-15 BC",
                "1999-12-31", "2000-01-01", "epoch", "10000-01-01", "1582-10-10", "2024-02-29 13:14:15"));
    }

    @Test
    void writesTimesOfDay() throws SQLException {
        agree(PgType.TIME, -1, "time", "time_send", List.of("13:14:15.123456", "00:00:00", "23:59:59.999999", "24:00:00",
                "allballs", "1:2", "12:00:00.5", "12:00:00.1234567"));
        agree(PgType.TIME, 2, "time(2)", "time_send", List.of("13:14:15.125", "13:14:15.999", "23:59:59.999"));
        agree(PgType.TIMETZ, -1, "timetz", "timetz_send", List.of("13:14:15.123456+02", "00:00:00+00", "12:00-05:30",
                "23:59:59.999999-03:00:30", "10:00:00+14"));
    }

    @Test
    void writesTimestampsUnderEveryDateStyle() throws SQLException {
        List<String> values = List.of("2024-02-29 13:14:15.123456", "infinity", "-infinity", "1999-12-31 23:59:59",
                "0001-01-01 00:00:00 BC", "2024-02-29T13:14:15", "2024-02-29", "epoch", "1970-01-01 00:00:00.000001",
                "2024-02-29 13:14:15.1234567", "1800-06-01 12:00", "2024-03-10 02:30:00", "2024-11-03 01:30:00",
                "12345-01-01 00:00:00");
        agree(PgType.TIMESTAMP, -1, "timestamp", "timestamp_send", values);
        agree(PgType.TIMESTAMP, 0, "timestamp(0)", "timestamp_send", List.of("2024-02-29 13:14:15.5", "2024-02-29 13:14:15.4999"));
    }

    @Test
    void writesTimestamptzInSessionZone() throws SQLException {
        List<String> values = List.of("2024-02-29 13:14:15.123456+02", "infinity", "-infinity", "1970-01-01 00:00:00+00",
                "0001-01-01 00:00:00+00 BC", "2024-02-29 13:14:15", "2024-07-01 12:00:00 Europe/Berlin",
                "2024-02-29T13:14:15Z", "2024-02-29 13:14:15.5 +05:30", "2024-02-29 13:14:15-03:00:30", "1800-01-01 00:00:00",
                "1900-06-01 12:00+01", "2024-03-10 02:30:00", "2024-11-03 01:30:00", "2024-10-27 02:30:00", "epoch",
                "1999-12-31 23:59:59.999999 UTC");
        agree(PgType.TIMESTAMPTZ, -1, "timestamptz", "timestamptz_send", values);
        agree(PgType.TIMESTAMPTZ, 3, "timestamptz(3)", "timestamptz_send", List.of("2024-02-29 13:14:15.1235+02"));
    }

    @Test
    void writesIntervalsUnderEveryIntervalStyle() throws SQLException {
        agree(PgType.INTERVAL, -1, "interval", "interval_send", List.of("1 year 2 mons 3 days 04:05:06.789", "-1 days -00:00:01",
                "0", "1 day", "2 hours 3 minutes", "P1Y2M", "P1Y2M3DT4H5M6.5S", "PT0S", "-1 year -2 mons +3 days -04:05:06",
                "1.5 years", "1.5 months", "1.5 days", "1 week", "100 hours", "-00:00:00.5", "1 day ago", "@ 3 days 4 hours ago",
                "10 min", "1 sec", "2 seconds", "0.5 secs", "1 mon", "-1 mons", "3 millennia", "2 decades", "1 century",
                "1 year -1 mons", "1-2", "-1 days +02:00", "12:34", "1 2:03:04", "7 ms", "8 us", "1h 30m",
                "-2147483648 days", "178000000 years"));
    }

    @Test
    void writesJsonVerbatimAndJsonbNormalised() throws SQLException {
        List<String> docs = List.of("{\"k\": \"v\", \"n\": [1, 2.5, null], \"nested\": {\"t\": true}}",
                "{\"b\": 2, \"a\": [1, \"x\"], \"z\": null}", "[]", "{}", "  [1,2 ,3]  ", "\"str\"", "12.50", "1e3", "-0",
                "{\"s\": \"quote \\\" backslash \\\\\\\\ unicode \\u00e9 \\ud83d\\udc18\"}",
                "{\"s\": \"quote \\\" backslash \\\\\\\\ unicode é 🐘\", \"e\": \"\"}",
                "{\"aa\": 1, \"b\": 2, \"a\": 3, \"a\": 4}", "{\"ctl\": \"\\u0001\\b\\f\\n\\r\\t/\\/\"}", "true", "null",
                "[1E+2, 1.0e-2, -0.0, 100000000000000000000000]", "{\"é\": 1, \"z\": 2, \"ab\": 3}");
        agree(PgType.JSON, -1, "json", "json_send", docs);
        agree(PgType.JSONB, -1, "jsonb", "jsonb_send", docs);
    }

    @Test
    void writesPgLsn() throws SQLException {
        agree(PgType.PG_LSN, -1, "pg_lsn", "pg_lsn_send", List.of("0/0", "16/3002D50", "FFFFFFFF/FFFFFFFF", "a/b", "0/00000001"));
    }

    // ------------------------------------------------------------------ arrays

    @Test
    void writesArraysWithPostgresQuoting() throws SQLException {
        agree(PgType.INT4_ARRAY, -1, "int4[]", "array_send", List.of("{1,2,3}", "{}", "{NULL,1,NULL}", "{{1,2},{3,4}}",
                "[0:1]={5,6}", "[-2:-1][3:4]={{1,2},{3,4}}", " { 1 , 2 } ", "{{{1}},{{2}}}"));
        agree(PgType.TEXT_ARRAY, -1, "text[]", "array_send", List.of("{\"a\",\"b c\",\"d\\\"e\"}", "{}",
                "{NULL,\"NULL\",\"\",\",\",\"\\\\\\\\\"}", "{\"日本\",\"🐘\"}", "{a b,  c  ,null,NuLL,\\NULL}", "{\"{}\",\"x}\",\"t\\tab\"}",
                "{\"multi\nline\"}", "{{a,b},{c,d}}", "{\"\\\\x00\"}"));
        agree(PgType.BYTEA_ARRAY, -1, "bytea[]", "array_send", List.of("{\"\\\\xdeadbeef\",NULL}", "{abc}"));
        agree(PgType.NUMERIC_ARRAY, -1, "numeric[]", "array_send", List.of("{1.50,NaN,-Infinity}"));
        agree(PgType.FLOAT8_ARRAY, -1, "float8[]", "array_send", List.of("{1.5,NaN,-0,1e100}"));
        agree(PgType.TIMESTAMPTZ_ARRAY, -1, "timestamptz[]", "array_send", List.of("{\"2024-02-29 13:14:15+02\",infinity}"));
        agree(PgType.DATE_ARRAY, -1, "date[]", "array_send", List.of("{2024-02-29,infinity}"));
        agree(PgType.INTERVAL_ARRAY, -1, "interval[]", "array_send", List.of("{\"1 day\",\"-00:00:01\"}"));
        agree(PgType.JSONB_ARRAY, -1, "jsonb[]", "array_send", List.of("{\"{\\\"b\\\": 1, \\\"a\\\": 2}\"}"));
        agree(PgType.UUID_ARRAY, -1, "uuid[]", "array_send", List.of("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"));
        agree(PgType.BOOL_ARRAY, -1, "bool[]", "array_send", List.of("{t,f,NULL}"));
        agree(PgType.VARCHAR_ARRAY, 7, "varchar(3)[]", "array_send", List.of("{abc,de}"));
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }

    static void unused() {
        fail("unused");
        assertThat(1).isOne();
    }
}
