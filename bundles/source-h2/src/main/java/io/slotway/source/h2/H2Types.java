package io.slotway.source.h2;

import io.slotway.api.types.PgType;
import java.util.Locale;

/** PostgreSQL types for H2 result types that no declared column explains (expressions, tables made outside Slotway). */
final class H2Types {
    private H2Types() {}

    /** Maps H2's type name (as {@code ResultSetMetaData.getColumnTypeName} spells it) to a PostgreSQL type. */
    static ColumnType infer(String h2TypeName) {
        String n = h2TypeName == null ? "NULL" : h2TypeName.toUpperCase(Locale.ROOT).trim();
        if (n.endsWith(" ARRAY")) {
            ColumnType e = infer(n.substring(0, n.length() - " ARRAY".length()));
            PgType arr = e.type().arrayType();
            return arr == null ? ColumnType.of(PgType.TEXT_ARRAY) : new ColumnType(arr, -1);
        }
        if (n.equals("ARRAY")) {
            return ColumnType.of(PgType.TEXT_ARRAY);
        }
        int paren = n.indexOf('(');
        String base = paren < 0 ? n : n.substring(0, paren).trim() + n.substring(n.indexOf(')') + 1);
        base = base.trim();
        if (base.startsWith("INTERVAL")) {
            return ColumnType.of(PgType.INTERVAL);
        }
        return switch (base) {
            case "BOOLEAN" -> ColumnType.of(PgType.BOOL);
            case "TINYINT", "SMALLINT" -> ColumnType.of(PgType.INT2);
            case "INTEGER" -> ColumnType.of(PgType.INT4);
            case "BIGINT" -> ColumnType.of(PgType.INT8);
            case "NUMERIC", "DECIMAL", "DECFLOAT" -> ColumnType.of(PgType.NUMERIC);
            case "REAL" -> ColumnType.of(PgType.FLOAT4);
            case "DOUBLE PRECISION", "FLOAT", "DOUBLE" -> ColumnType.of(PgType.FLOAT8);
            case "CHARACTER" -> ColumnType.of(PgType.BPCHAR);
            case "BINARY VARYING", "BINARY", "BINARY LARGE OBJECT", "VARBINARY", "BLOB", "JAVA_OBJECT" -> ColumnType.of(PgType.BYTEA);
            case "DATE" -> ColumnType.of(PgType.DATE);
            case "TIME" -> ColumnType.of(PgType.TIME);
            case "TIME WITH TIME ZONE" -> ColumnType.of(PgType.TIMETZ);
            case "TIMESTAMP" -> ColumnType.of(PgType.TIMESTAMP);
            case "TIMESTAMP WITH TIME ZONE" -> ColumnType.of(PgType.TIMESTAMPTZ);
            case "UUID" -> ColumnType.of(PgType.UUID);
            case "JSON" -> ColumnType.of(PgType.JSON);
            default -> ColumnType.TEXT; // CHARACTER VARYING, CLOB, VARCHAR_IGNORECASE, ENUM, NULL, ...
        };
    }

    /** Maps a JDBC type code (for parameters, where H2 gives no type name) to a PostgreSQL type. */
    static PgType fromJdbc(int jdbcType, String typeName) {
        if (typeName != null && !typeName.isEmpty()) {
            if (typeName.equalsIgnoreCase("NULL") || typeName.equalsIgnoreCase("UNKNOWN")) {
                return PgType.TEXT;
            }
            return infer(typeName).type();
        }
        return switch (jdbcType) {
            case java.sql.Types.BOOLEAN, java.sql.Types.BIT -> PgType.BOOL;
            case java.sql.Types.SMALLINT, java.sql.Types.TINYINT -> PgType.INT2;
            case java.sql.Types.INTEGER -> PgType.INT4;
            case java.sql.Types.BIGINT -> PgType.INT8;
            case java.sql.Types.REAL -> PgType.FLOAT4;
            case java.sql.Types.DOUBLE, java.sql.Types.FLOAT -> PgType.FLOAT8;
            case java.sql.Types.NUMERIC, java.sql.Types.DECIMAL -> PgType.NUMERIC;
            case java.sql.Types.DATE -> PgType.DATE;
            case java.sql.Types.TIME -> PgType.TIME;
            case java.sql.Types.TIMESTAMP -> PgType.TIMESTAMP;
            case java.sql.Types.TIMESTAMP_WITH_TIMEZONE -> PgType.TIMESTAMPTZ;
            case java.sql.Types.VARBINARY, java.sql.Types.BINARY, java.sql.Types.BLOB -> PgType.BYTEA;
            default -> PgType.TEXT;
        };
    }
}
