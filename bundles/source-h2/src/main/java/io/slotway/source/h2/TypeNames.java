package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgType;
import java.util.List;
import java.util.Set;

/** Reads a PostgreSQL type name ({@code double precision}, {@code varchar(20)}, {@code int[]}, ...) from tokens. */
final class TypeNames {
    private TypeNames() {}

    /** What kind of serial column a type name asked for. */
    enum Serial { NONE, SERIAL }

    /** A parsed type name: the type, whether it was a serial pseudo-type, and the index after it. */
    record Parsed(ColumnType type, Serial serial, int next) {}

    /** PostgreSQL types that exist but that this source cannot hold. */
    private static final Set<String> UNSUPPORTED = Set.of("inet", "cidr", "macaddr", "macaddr8", "money", "bit", "varbit",
            "xml", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle", "int4range",
            "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "txid_snapshot",
            "pg_snapshot", "jsonpath", "regnamespace", "regrole", "regoper", "regprocedure", "cstring", "record", "void");

    private static final int INTERVAL_FULL_RANGE = 0x7FFF;

    /** Whether the token at {@code i} can start a type name this class knows (used for typed literals). */
    static boolean isLiteralTypeWord(Token t) {
        return t.kind() == Token.Kind.IDENTIFIER && Set.of("date", "time", "timestamp", "timestamptz", "interval")
                .contains(t.value());
    }

    static Parsed parse(List<Token> t, int i) throws PgException {
        if (i >= t.size()) {
            throw new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input");
        }
        // Optional pg_catalog. qualification.
        if (i + 2 < t.size() && t.get(i).isWord("pg_catalog") && t.get(i + 1).is(".")) {
            i += 2;
        }
        Token first = t.get(i);
        if (first.kind() == Token.Kind.QUOTED_IDENTIFIER && first.value().equals("char")) {
            return arrays(t, i + 1, ColumnType.of(PgType.CHAR), Serial.NONE);
        }
        if (first.kind() != Token.Kind.IDENTIFIER && first.kind() != Token.Kind.QUOTED_IDENTIFIER) {
            throw syntax(first);
        }
        String w = first.value();
        int j = i + 1;
        PgType type;
        int typmod = -1;
        Serial serial = Serial.NONE;
        switch (w) {
            case "int", "integer", "int4" -> type = PgType.INT4;
            case "smallint", "int2" -> type = PgType.INT2;
            case "bigint", "int8" -> type = PgType.INT8;
            case "serial", "serial4" -> { type = PgType.INT4; serial = Serial.SERIAL; }
            case "bigserial", "serial8" -> { type = PgType.INT8; serial = Serial.SERIAL; }
            case "smallserial", "serial2" -> { type = PgType.INT2; serial = Serial.SERIAL; }
            case "real", "float4" -> type = PgType.FLOAT4;
            case "float8" -> type = PgType.FLOAT8;
            case "double" -> {
                if (j < t.size() && t.get(j).isWord("precision")) {
                    j++;
                    type = PgType.FLOAT8;
                } else {
                    throw new PgException(SqlState.UNDEFINED_OBJECT, "type \"double\" does not exist");
                }
            }
            case "float" -> {
                type = PgType.FLOAT8;
                if (j < t.size() && t.get(j).is("(")) {
                    int p = Integer.parseInt(t.get(j + 1).text());
                    if (p < 1) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "precision for type float must be at least 1 bit");
                    }
                    if (p > 53) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "precision for type float must be less than 54 bits");
                    }
                    type = p <= 24 ? PgType.FLOAT4 : PgType.FLOAT8;
                    j = expect(t, j + 2, ")");
                }
            }
            case "numeric", "decimal", "dec" -> {
                type = PgType.NUMERIC;
                if (j < t.size() && t.get(j).is("(")) {
                    int p = Integer.parseInt(t.get(j + 1).text());
                    int s = 0;
                    j += 2;
                    if (t.get(j).is(",")) {
                        s = Integer.parseInt(signed(t, j + 1));
                        j += t.get(j + 1).is("-") ? 3 : 2;
                    }
                    j = expect(t, j, ")");
                    if (p < 1 || p > 1000) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "NUMERIC precision " + p + " must be between 1 and 1000");
                    }
                    if (s < 0 || s > p) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "NUMERIC scale " + s + " must be between 0 and precision " + p);
                    }
                    typmod = ((p << 16) | s) + 4;
                }
            }
            case "bool", "boolean" -> type = PgType.BOOL;
            case "text" -> type = PgType.TEXT;
            case "name" -> type = PgType.NAME;
            case "varchar" -> type = PgType.VARCHAR;
            case "character", "char", "nchar", "bpchar" -> {
                type = PgType.BPCHAR;
                if (j < t.size() && t.get(j).isWord("varying")) {
                    j++;
                    type = PgType.VARCHAR;
                } else if (!w.equals("bpchar")) {
                    typmod = 1 + 4;
                }
            }
            case "bytea" -> type = PgType.BYTEA;
            case "uuid" -> type = PgType.UUID;
            case "json" -> type = PgType.JSON;
            case "jsonb" -> type = PgType.JSONB;
            case "oid" -> type = PgType.OID;
            case "pg_lsn" -> type = PgType.PG_LSN;
            case "regclass" -> type = PgType.REGCLASS;
            case "regtype" -> type = PgType.REGTYPE;
            case "date" -> type = PgType.DATE;
            case "timestamptz" -> type = PgType.TIMESTAMPTZ;
            case "timetz" -> type = PgType.TIMETZ;
            case "timestamp", "time" -> {
                boolean ts = w.equals("timestamp");
                type = ts ? PgType.TIMESTAMP : PgType.TIME;
                if (j < t.size() && t.get(j).is("(")) {
                    typmod = Integer.parseInt(t.get(j + 1).text());
                    j = expect(t, j + 2, ")");
                    typmod = Math.min(typmod, 6);
                }
                if (j + 2 < t.size() && (t.get(j).isWord("with") || t.get(j).isWord("without"))
                        && t.get(j + 1).isWord("time") && t.get(j + 2).isWord("zone")) {
                    if (t.get(j).isWord("with")) {
                        type = ts ? PgType.TIMESTAMPTZ : PgType.TIMETZ;
                    }
                    j += 3;
                }
            }
            case "interval" -> {
                type = PgType.INTERVAL;
                // Field restrictions (YEAR TO MONTH, ...) are accepted and not enforced.
                while (j < t.size() && t.get(j).kind() == Token.Kind.IDENTIFIER && Set.of("year", "month", "day", "hour",
                        "minute", "second", "to").contains(t.get(j).value())) {
                    j++;
                }
                if (j < t.size() && t.get(j).is("(") && j + 1 < t.size() && t.get(j + 1).kind() == Token.Kind.NUMBER) {
                    typmod = (INTERVAL_FULL_RANGE << 16) | Math.min(6, Integer.parseInt(t.get(j + 1).text()));
                    j = expect(t, j + 2, ")");
                }
            }
            default -> {
                if (UNSUPPORTED.contains(w)) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "type " + w + " is not supported by the H2 source");
                }
                if (w.equals("bit") || w.equals("national")) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "type " + w + " is not supported by the H2 source");
                }
                throw new PgException(SqlState.UNDEFINED_OBJECT, "type \"" + w + "\" does not exist")
                        .withPosition(first.start() + 1);
            }
        }
        if ((type == PgType.VARCHAR || type == PgType.BPCHAR) && j < t.size() && t.get(j).is("(")) {
            int n = Integer.parseInt(t.get(j + 1).text());
            if (n < 1) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "length for type " + type.name() + " must be at least 1");
            }
            typmod = n + 4;
            j = expect(t, j + 2, ")");
        }
        return arrays(t, j, new ColumnType(type, typmod), serial);
    }

    private static Parsed arrays(List<Token> t, int j, ColumnType type, Serial serial) throws PgException {
        boolean array = false;
        while (j < t.size()) {
            if (t.get(j).is("[")) {
                j++;
                if (j < t.size() && t.get(j).kind() == Token.Kind.NUMBER) {
                    j++;
                }
                j = expect(t, j, "]");
                array = true;
            } else if (t.get(j).isWord("array")) {
                j++;
                if (j < t.size() && t.get(j).is("[")) {
                    j++;
                    if (j < t.size() && t.get(j).kind() == Token.Kind.NUMBER) {
                        j++;
                    }
                    j = expect(t, j, "]");
                }
                array = true;
            } else {
                break;
            }
        }
        if (array) {
            if (serial != Serial.NONE) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "array of serial is not implemented");
            }
            PgType arr = type.type().arrayType();
            if (arr == null) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "arrays of " + type.type().name() + " are not supported by the H2 source");
            }
            type = new ColumnType(arr, type.typmod());
        }
        return new Parsed(type, serial, j);
    }

    private static String signed(List<Token> t, int j) {
        return t.get(j).is("-") ? "-" + t.get(j + 1).text() : t.get(j).text();
    }

    private static int expect(List<Token> t, int j, String symbol) throws PgException {
        if (j >= t.size()) {
            throw new PgException(SqlState.SYNTAX_ERROR, "syntax error at end of input");
        }
        if (!t.get(j).is(symbol)) {
            throw syntax(t.get(j));
        }
        return j + 1;
    }

    static PgException syntax(Token t) {
        return new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + t.text() + "\"").withPosition(t.start() + 1);
    }
}
