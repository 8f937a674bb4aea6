package io.slotway.api.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Bad input raises the SQLSTATE, message and detail that PostgreSQL 15 raises for the same text. */
class RaisesPostgresErrorsTest {
    private static Connection pg;

    record Bad(PgType type, int typmod, String sqlType, String text) {}

    @BeforeAll
    static void connect() throws SQLException {
        pg = Oracle.connect();
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TEMP TABLE lengths (v varchar(20), c char(5), v3 varchar(3)[])");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        pg.close();
    }

    private static ServerErrorMessage pgError(Bad b) throws SQLException {
        // length limits are enforced on assignment (a cast would silently truncate)
        String sql = switch (b.sqlType()) {
            case "varchar(20)" -> "INSERT INTO lengths (v) VALUES (?::text::unknown::varchar(20))";
            default -> "SELECT ?::text::" + b.sqlType();
        };
        if (b.sqlType().equals("varchar(20)") || b.sqlType().equals("char(5)") || b.sqlType().equals("varchar(3)[]")) {
            String col = b.sqlType().equals("varchar(20)") ? "v" : b.sqlType().equals("char(5)") ? "c" : "v3";
            sql = "INSERT INTO lengths (" + col + ") VALUES ($$" + b.text().replace("$", "") + "$$)";
            try (Statement s = pg.createStatement()) {
                s.execute(sql);
            } catch (PSQLException e) {
                return e.getServerErrorMessage();
            }
            return null;
        }
        try (PreparedStatement ps = pg.prepareStatement(sql)) {
            ps.setString(1, b.text());
            ps.executeQuery().close();
        } catch (PSQLException e) {
            return e.getServerErrorMessage();
        }
        return null;
    }

    static void check(List<Bad> cases) throws SQLException {
        SoftAssertions soft = new SoftAssertions();
        for (Bad b : cases) {
            ServerErrorMessage expected = pgError(b);
            soft.assertThat(expected).as("PostgreSQL rejects %s '%s'", b.sqlType(), b.text()).isNotNull();
            if (expected == null) {
                continue;
            }
            try {
                Object v = PgValues.fromText(b.type(), b.typmod(), b.text(), SessionFormat.DEFAULT);
                soft.fail("%s '%s' was accepted as %s; PostgreSQL raised %s", b.sqlType(), b.text(), v, expected);
            } catch (PgException e) {
                String where = b.sqlType() + " '" + b.text() + "'";
                soft.assertThat(e.sqlState()).as("SQLSTATE of " + where).isEqualTo(expected.getSQLState());
                soft.assertThat(e.getMessage()).as("message of " + where).isEqualTo(expected.getMessage());
                if (expected.getDetail() != null && !b.sqlType().startsWith("json")) {
                    soft.assertThat(e.detail()).as("detail of " + where).isEqualTo(expected.getDetail());
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void rejectsBadNumbersWithPostgresErrors() throws SQLException {
        check(List.of(
                new Bad(PgType.INT4, -1, "int4", "abc"),
                new Bad(PgType.INT4, -1, "int4", "99999999999"),
                new Bad(PgType.INT4, -1, "int4", ""),
                new Bad(PgType.INT4, -1, "int4", "1.5"),
                new Bad(PgType.INT4, -1, "int4", "1 2"),
                new Bad(PgType.INT2, -1, "int2", "32768"),
                new Bad(PgType.INT2, -1, "int2", "x"),
                new Bad(PgType.INT8, -1, "int8", "9223372036854775808"),
                new Bad(PgType.INT8, -1, "int8", "-9223372036854775809"),
                new Bad(PgType.OID, -1, "oid", "4294967296"),
                new Bad(PgType.OID, -1, "oid", "-4294967295"),
                new Bad(PgType.OID, -1, "oid", "z"),
                new Bad(PgType.FLOAT8, -1, "float8", "abc"),
                new Bad(PgType.FLOAT8, -1, "float8", "1e400"),
                new Bad(PgType.FLOAT8, -1, "float8", "1e-400"),
                new Bad(PgType.FLOAT4, -1, "float4", "1e40"),
                new Bad(PgType.FLOAT4, -1, "float4", "1e-50"),
                new Bad(PgType.FLOAT4, -1, "float4", "1.5x"),
                new Bad(PgType.NUMERIC, -1, "numeric", "abc"),
                new Bad(PgType.NUMERIC, -1, "numeric", "1.2.3"),
                new Bad(PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(12, 3), "numeric(12,3)", "1234567890"),
                new Bad(PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(5, 2), "numeric(5,2)", "999.995"),
                new Bad(PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(2, 2), "numeric(2,2)", "1"),
                new Bad(PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(5, 2), "numeric(5,2)", "Infinity"),
                new Bad(PgType.NUMERIC, AgreesWithPostgresTest.numericTypmod(2, 3), "numeric(2,3)", "0.5")));
    }

    @Test
    void rejectsBadTextLikeValuesWithPostgresErrors() throws SQLException {
        check(List.of(
                new Bad(PgType.BOOL, -1, "bool", "o"),
                new Bad(PgType.BOOL, -1, "bool", "maybe"),
                new Bad(PgType.BOOL, -1, "bool", ""),
                new Bad(PgType.VARCHAR, 24, "varchar(20)", "this text is longer than twenty"),
                new Bad(PgType.BPCHAR, 9, "char(5)", "abcdef"),
                new Bad(PgType.BYTEA, -1, "bytea", "\\xzz"),
                new Bad(PgType.BYTEA, -1, "bytea", "\\x0"),
                new Bad(PgType.BYTEA, -1, "bytea", "a\\b"),
                new Bad(PgType.BYTEA, -1, "bytea", "\\400"),
                new Bad(PgType.UUID, -1, "uuid", "x"),
                new Bad(PgType.UUID, -1, "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"),
                new Bad(PgType.UUID, -1, "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"),
                new Bad(PgType.UUID, -1, "uuid", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                new Bad(PgType.PG_LSN, -1, "pg_lsn", "x"),
                new Bad(PgType.PG_LSN, -1, "pg_lsn", "1/"),
                new Bad(PgType.PG_LSN, -1, "pg_lsn", "123456789/0"),
                new Bad(PgType.JSON, -1, "json", "{"),
                new Bad(PgType.JSON, -1, "json", "1 2"),
                new Bad(PgType.JSON, -1, "json", "{'a': 1}"),
                new Bad(PgType.JSON, -1, "json", ""),
                new Bad(PgType.JSONB, -1, "jsonb", "[1,]"),
                new Bad(PgType.JSONB, -1, "jsonb", "{\"a\": \"\\u0000\"}")));
    }

    @Test
    void rejectsBadDatesTimesAndIntervalsWithPostgresErrors() throws SQLException {
        check(List.of(
                new Bad(PgType.DATE, -1, "date", "2024-02-30"),
                new Bad(PgType.DATE, -1, "date", "x"),
                new Bad(PgType.DATE, -1, "date", "0000-01-01"),
                new Bad(PgType.DATE, -1, "date", "2024-13-01"),
                new Bad(PgType.TIME, -1, "time", "25:00:00"),
                new Bad(PgType.TIME, -1, "time", "12:60:00"),
                new Bad(PgType.TIME, -1, "time", "x"),
                new Bad(PgType.TIMETZ, -1, "timetz", "x"),
                new Bad(PgType.TIMESTAMP, -1, "timestamp", "abc"),
                new Bad(PgType.TIMESTAMP, -1, "timestamp", "2024-02-29 24:00:01"),
                new Bad(PgType.TIMESTAMPTZ, -1, "timestamptz", "abc"),
                new Bad(PgType.TIMESTAMPTZ, -1, "timestamptz", "2024-02-30 00:00:00+00"),
                new Bad(PgType.INTERVAL, -1, "interval", "abc"),
                new Bad(PgType.INTERVAL, -1, "interval", "1 fortnight"),
                new Bad(PgType.INTERVAL, -1, "interval", "")));
    }

    @Test
    void rejectsMalformedArraysWithPostgresErrors() throws SQLException {
        check(List.of(
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "{1,2"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "{{1},{1,2}}"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "{1,2}x"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "1,2"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "{1,a}"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "{{1},2}"),
                new Bad(PgType.INT4_ARRAY, -1, "int4[]", "[1:3]={1,2}"),
                new Bad(PgType.TEXT_ARRAY, -1, "text[]", "{\"a\"b}"),
                new Bad(PgType.TEXT_ARRAY, -1, "text[]", "{a,,b}"),
                new Bad(PgType.VARCHAR_ARRAY, 7, "varchar(3)[]", "{abcd}")));
    }

    @Test
    void rejectsMalformedBinaryWith22P03() {
        for (PgType t : List.of(PgType.INT4, PgType.INT8, PgType.FLOAT8, PgType.UUID, PgType.TIMESTAMPTZ, PgType.INTERVAL)) {
            try {
                PgValues.fromBinary(t, -1, new byte[] {1, 2, 3});
                throw new AssertionError(t + " accepted 3 bytes");
            } catch (PgException e) {
                assertThat(e.sqlState()).as(t.name()).isEqualTo("22P03");
            }
        }
        byte[] badSign = {0, 1, 0, 0, 0x12, 0x34, 0, 0, 0, 1};
        assertThat(catching(() -> PgValues.fromBinary(PgType.NUMERIC, -1, badSign)).sqlState()).isEqualTo("22P03");
        byte[] badDigit = {0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10};
        assertThat(catching(() -> PgValues.fromBinary(PgType.NUMERIC, -1, badDigit)).getMessage())
                .isEqualTo("invalid digit in external \"numeric\" value");
        byte[] badFlags = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 23, 0, 0, 0, 0, 0, 0, 0, 1};
        assertThat(catching(() -> PgValues.fromBinary(PgType.INT4_ARRAY, -1, badFlags)).getMessage()).isEqualTo("invalid array flags");
        byte[] shortElement = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1};
        assertThat(catching(() -> PgValues.fromBinary(PgType.INT4_ARRAY, -1, shortElement)).sqlState()).isEqualTo("22P03");
    }

    interface Call {
        Object run() throws PgException;
    }

    static PgException catching(Call c) {
        try {
            c.run();
        } catch (PgException e) {
            return e;
        }
        throw new AssertionError("no error");
    }
}
