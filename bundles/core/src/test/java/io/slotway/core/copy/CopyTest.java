package io.slotway.core.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.slotway.api.PgException;
import io.slotway.api.types.PgType;
import io.slotway.api.types.SessionFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY's grammar, options and formats; expected bytes and errors as PostgreSQL 15.18 produced them. */
class CopyTest {
    private static final List<PgType> TYPES = List.of(PgType.INT4, PgType.TEXT, PgType.TEXT, PgType.INT4_ARRAY);
    private static final Object[] ROW = {1, "x\\y\tz\nw", null, io.slotway.api.types.PgArray.of(1, 2)};

    private static byte[] copy(String sql, List<String> names, Object[]... rows) throws PgException {
        CopyStatement c = CopyStatement.parse(sql);
        CopyOptions o = CopyOptions.process(c.options(), c.from());
        boolean[] force = new boolean[TYPES.size()];
        for (int i = 0; i < force.length; i++) {
            force[i] = o.forceQuoteAll() || o.forceQuote() != null && o.forceQuote().contains(names.get(i));
        }
        CopyFormatter f = new CopyFormatter(o, TYPES, force, SessionFormat.DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = f.header(names);
        if (h != null) {
            out.writeBytes(h);
        }
        for (Object[] r : rows) {
            out.writeBytes(f.row(r));
        }
        byte[] t = f.trailer();
        if (t != null) {
            out.writeBytes(t);
        }
        return out.toByteArray();
    }

    private static String text(String sql, Object[]... rows) throws PgException {
        return new String(copy(sql, List.of("a", "b", "c", "d"), rows), StandardCharsets.UTF_8);
    }

    @Test
    void writesTextWithPostgresEscapes() throws PgException {
        assertEquals("1\tx\\\\y\\tz\\nw\t\\N\t{1,2}\n", text("COPY t TO STDOUT", ROW));
        assertEquals("a,b,c,d\n1,x\\\\y\\tz\\nw,,{1\\,2}\n", text("COPY t TO STDOUT WITH (DELIMITER ',', HEADER, NULL '')", ROW));
        assertEquals("1\t\\b\\f\\r\\v\u0001\n", new String(new CopyFormatter(CopyOptions.process(List.of(), false),
                List.of(PgType.INT4, PgType.TEXT), new boolean[2], SessionFormat.DEFAULT)
                .row(new Object[] {1, "\b\f\r\u000b\u0001"}), StandardCharsets.UTF_8));
    }

    @Test
    void writesCsvAsPostgres() throws PgException {
        assertEquals("a,b,c,d\n1,\"x\\y\tz\nw\",,\"{1,2}\"\n", text("COPY t TO STDOUT WITH (FORMAT csv, HEADER)", ROW));
        assertEquals("a;b;c;d\n'1';'x\\y\tz\nw';;'{1,2}'\n",
                text("COPY t TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', QUOTE '''', FORCE_QUOTE *)", ROW));
        assertEquals("1,x\\y\tz\nw,,{1,2}\n".length() > 0 ? "1,\"x\\\\y\tz\nw\",,\"{1,2}\"\n" : "",
                text("COPY t TO STDOUT CSV ESCAPE '\\'", ROW));
        assertEquals("\"1\",\"\",\"\"\"\",\n", text("COPY t TO STDOUT CSV FORCE QUOTE a", new Object[] {1, "", "\"", null}));
        CopyFormatter single = new CopyFormatter(CopyOptions.process(CopyStatement.parse("COPY t TO STDOUT CSV").options(), false),
                List.of(PgType.TEXT), new boolean[1], SessionFormat.DEFAULT);
        assertEquals("\"\\.\"\n", new String(single.row(new Object[] {"\\."}), StandardCharsets.UTF_8));
    }

    @Test
    void writesBinaryAsPostgres() throws PgException {
        byte[] expected = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 4, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 7, 'x', '\\', 'y', '\t', 'z', '\n', 'w', -1, -1, -1, -1, 0, 0, 0, 36,
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0,
                2, -1, -1};
        assertArrayEquals(expected, copy("COPY t TO STDOUT WITH (FORMAT binary)", List.of("a", "b", "c", "d"), ROW));
        assertArrayEquals(expected, copy("COPY BINARY t TO STDOUT", List.of("a", "b", "c", "d"), ROW));
    }

    @Test
    void parsesBothSyntaxes() throws PgException {
        CopyStatement c = CopyStatement.parse("COPY public.accounts (id, owner, \"Balance\") TO STDOUT");
        assertEquals("public", c.schema());
        assertEquals(List.of("id", "owner", "Balance"), c.columns());
        CopyStatement q = CopyStatement.parse("copy (select 1 as \"x)\" from t where a in (1, 2)) to stdout with csv header");
        assertEquals("select 1 as \"x)\" from t where a in (1, 2)", q.query());
        assertEquals(6, q.queryOffset());
        assertNull(q.table());
        assertEquals("file", CopyStatement.parse("COPY t TO '/tmp/x'").target());
        assertEquals("stdio", CopyStatement.parse("COPY t FROM STDIN;").target());
    }

    private static PgException error(String sql) {
        return assertThrows(PgException.class, () -> {
            CopyStatement c = CopyStatement.parse(sql);
            CopyOptions.process(c.options(), c.from());
        });
    }

    private static void assertError(String sqlState, String message, int position, String sql) {
        PgException e = error(sql);
        assertEquals(sqlState + " " + message + " " + position, e.sqlState() + " " + e.getMessage() + " " + e.position(), sql);
    }

    @Test
    void rejectsBadOptionsWithPostgresTexts() {
        assertError("22023", "COPY format \"foo\" not recognized", 24, "COPY t TO STDOUT WITH (FORMAT foo)");
        assertError("42601", "conflicting or redundant options", 36, "COPY t TO STDOUT WITH (FORMAT csv, FORMAT csv)");
        assertError("42601", "option \"bogus\" not recognized", 24, "COPY t TO STDOUT WITH (bogus 1)");
        assertError("42601", "cannot specify DELIMITER in BINARY mode", 0, "COPY t TO STDOUT WITH (FORMAT binary, DELIMITER ',')");
        assertError("42601", "cannot specify NULL in BINARY mode", 0, "COPY t TO STDOUT WITH (FORMAT binary, NULL 'x')");
        assertError("0A000", "cannot specify HEADER in BINARY mode", 0, "COPY t TO STDOUT WITH (FORMAT binary, HEADER)");
        assertError("0A000", "COPY delimiter must be a single one-byte character", 0, "COPY t TO STDOUT WITH (DELIMITER ',,')");
        assertError("0A000", "COPY delimiter must be a single one-byte character", 0, "COPY t TO STDOUT WITH (DELIMITER 'é')");
        assertError("22023", "COPY delimiter cannot be newline or carriage return", 0, "COPY t TO STDOUT WITH (DELIMITER E'\\n')");
        assertError("22023", "COPY delimiter cannot be \"a\"", 0, "COPY t TO STDOUT WITH (DELIMITER 'a')");
        assertError("22023", "COPY delimiter cannot be \"\\\"", 0, "COPY t TO STDOUT WITH (DELIMITER '\\')");
        assertError("22023", "COPY null representation cannot use newline or carriage return", 0, "COPY t TO STDOUT WITH (NULL E'\\n')");
        assertError("0A000", "COPY quote available only in CSV mode", 0, "COPY t TO STDOUT WITH (QUOTE '\"')");
        assertError("0A000", "COPY quote must be a single one-byte character", 0, "COPY t TO STDOUT WITH (FORMAT csv, QUOTE 'ab')");
        assertError("22023", "COPY delimiter and quote must be different", 0, "COPY t TO STDOUT WITH (FORMAT csv, QUOTE ',')");
        assertError("0A000", "COPY escape available only in CSV mode", 0, "COPY t TO STDOUT WITH (ESCAPE 'x')");
        assertError("0A000", "COPY escape must be a single one-byte character", 0, "COPY t TO STDOUT WITH (FORMAT csv, ESCAPE 'xy')");
        assertError("0A000", "COPY force quote available only in CSV mode", 0, "COPY t TO STDOUT WITH (FORCE_QUOTE (a))");
        assertError("0A000", "COPY force not null only available using COPY FROM", 0, "COPY t TO STDOUT WITH (FORMAT csv, FORCE_NOT_NULL (a))");
        assertError("0A000", "COPY force null only available using COPY FROM", 0, "COPY t TO STDOUT WITH (FORMAT csv, FORCE_NULL (a))");
        assertError("0A000", "COPY force not null available only in CSV mode", 0, "COPY t TO STDOUT WITH (FORCE_NOT_NULL (a))");
        assertError("0A000", "COPY delimiter must not appear in the NULL specification", 0, "COPY t TO STDOUT WITH (DELIMITER ',', NULL 'a,b')");
        assertError("0A000", "CSV quote character must not appear in the NULL specification", 0, "COPY t TO STDOUT WITH (FORMAT csv, NULL 'a\"b')");
        assertError("0A000", "cannot use \"match\" with HEADER in COPY TO", 0, "COPY t TO STDOUT WITH (HEADER match)");
        assertError("42601", "header requires a Boolean value or \"match\"", 0, "COPY t TO STDOUT WITH (HEADER 'foo')");
        assertError("22023", "argument to option \"encoding\" must be a valid encoding name", 24, "COPY t TO STDOUT WITH (ENCODING 'foo')");
        assertError("42601", "delimiter requires a parameter", 0, "COPY t TO STDOUT WITH (DELIMITER)");
        assertError("22023", "argument to option \"force_quote\" must be a list of column names", 24, "COPY t TO STDOUT WITH (FORCE_QUOTE 1)");
        assertError("22023", "COPY format \"1\" not recognized", 24, "COPY t TO STDOUT WITH (FORMAT 1)");
        assertError("42601", "conflicting or redundant options", 30, "COPY t TO STDOUT WITH BINARY CSV");
        assertError("42601", "syntax error at or near \"FROM\"", 17, "COPY (select 1) FROM STDIN");
        assertError("42601", "syntax error at or near \";\"", 15, "COPY (select 1; select 2) TO STDOUT");
    }
}
