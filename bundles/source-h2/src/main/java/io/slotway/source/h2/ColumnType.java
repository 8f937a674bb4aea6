package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.types.PgArray;
import io.slotway.api.types.PgInterval;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A column's declared PostgreSQL type with its type modifier, and how a value of it is kept in H2:
 * the H2 column type, and the conversions between PostgreSQL's canonical Java form (see
 * {@link PgValues}) and what H2's JDBC driver takes and returns.
 */
record ColumnType(PgType type, int typmod) {
    /** Timestamps beyond PostgreSQL's range stand for {@code infinity} and {@code -infinity}. */
    static final LocalDateTime TS_PLUS_INFINITY = LocalDateTime.of(999_999_999, 12, 31, 23, 59, 59, 999_999_000);
    static final LocalDateTime TS_MINUS_INFINITY = LocalDateTime.of(-999_999_999, 1, 1, 0, 0);
    private static final int INFINITY_YEAR = 300_000;

    static final ColumnType TEXT = new ColumnType(PgType.TEXT, -1);

    static ColumnType of(PgType type) {
        return new ColumnType(type, -1);
    }

    boolean isArray() {
        return type.isArray();
    }

    ColumnType element() {
        return new ColumnType(type.elementType(), typmod);
    }

    /** The H2 column type values of this type are stored in. */
    String storageType() {
        if (type.isArray()) {
            return element().storageType() + " ARRAY";
        }
        return switch (type.name()) {
            case "bool" -> "BOOLEAN";
            case "int2" -> "SMALLINT";
            case "int4" -> "INTEGER";
            case "int8", "oid", "xid", "pg_lsn", "regclass", "regtype", "regproc" -> "BIGINT";
            case "float4" -> "REAL";
            case "float8" -> "DOUBLE PRECISION";
            case "numeric" -> "DECFLOAT";
            case "varchar", "bpchar" -> typmod > 4 ? "CHARACTER VARYING(" + (typmod - 4) + ")" : "CHARACTER VARYING";
            case "char" -> "CHARACTER VARYING(1)";
            case "name" -> "CHARACTER VARYING(63)";
            case "bytea" -> "BINARY VARYING";
            case "date" -> "DATE";
            case "time" -> "TIME(" + precision() + ")";
            case "timetz" -> "TIME(" + precision() + ") WITH TIME ZONE";
            case "timestamp" -> "TIMESTAMP(" + precision() + ")";
            case "timestamptz" -> "TIMESTAMP(" + precision() + ") WITH TIME ZONE";
            case "uuid" -> "UUID";
            default -> "CHARACTER VARYING"; // text, json, jsonb, interval: their canonical text
        };
    }

    /** The H2 type an expression is cast to by {@code expr::type} or {@code CAST(expr AS type)}. */
    String castType() {
        if (!type.isArray()) {
            switch (type.name()) {
                case "numeric":
                    if (typmod >= 4) {
                        int p = ((typmod - 4) >> 16) & 0xFFFF;
                        int s = (typmod - 4) & 0xFFFF;
                        return "NUMERIC(" + p + "," + s + ")";
                    }
                    return "DECFLOAT";
                case "bpchar":
                    return typmod > 4 ? "CHARACTER(" + (typmod - 4) + ")" : "CHARACTER VARYING";
                default:
                    break;
            }
        }
        return storageType();
    }

    private int precision() {
        return typmod >= 0 && typmod <= 6 ? typmod : 6;
    }

    /** Whether values are kept as PostgreSQL's text output (interval, json, jsonb). */
    boolean storedAsText() {
        return type == PgType.INTERVAL || type == PgType.JSON || type == PgType.JSONB;
    }

    /** Parses a literal as PostgreSQL's input function for this type does. */
    Object parse(String text, SessionFormat format) throws PgException {
        return PgValues.fromText(type, typmod, text, format);
    }

    // ---------------------------------------------------------------- canonical -> H2

    /** Converts a canonical value of this type to what H2 stores; applies numeric's typmod. */
    Object toStorage(Object v) throws PgException {
        if (v == null) {
            return null;
        }
        if (type.isArray()) {
            if (v instanceof PgArray a) {
                if (a.dimensions().length > 1) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "multidimensional arrays are not supported by the H2 source");
                }
                if (a.dimensions().length == 1 && a.lowerBounds()[0] != 1) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "arrays with a lower bound other than 1 are not supported by the H2 source");
                }
                ColumnType e = element();
                Object[] out = new Object[a.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = e.toStorage(a.element(i));
                }
                return out;
            }
            return v;
        }
        switch (type.name()) {
            case "numeric":
                if (v instanceof BigDecimal d) {
                    return applyNumericTypmod(d);
                }
                if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                    if (typmod >= 4 && d.isInfinite()) {
                        throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                                .withDetail("A field with precision " + (((typmod - 4) >> 16) & 0xFFFF) + ", scale "
                                        + ((typmod - 4) & 0xFFFF) + " cannot hold an infinite value.");
                    }
                    return v;
                }
                if (v instanceof Number n) {
                    return applyNumericTypmod(new BigDecimal(n.toString()));
                }
                return v;
            case "bpchar":
                return v instanceof String s ? stripTrailingSpaces(s) : v;
            case "timestamp":
                if (v instanceof LocalDateTime t) {
                    return t.equals(LocalDateTime.MAX) ? TS_PLUS_INFINITY : t.equals(LocalDateTime.MIN) ? TS_MINUS_INFINITY : t;
                }
                return v;
            case "timestamptz":
                if (v instanceof Instant t) {
                    if (t.equals(Instant.MAX)) {
                        return TS_PLUS_INFINITY.atOffset(ZoneOffset.UTC);
                    }
                    if (t.equals(Instant.MIN)) {
                        return TS_MINUS_INFINITY.atOffset(ZoneOffset.UTC);
                    }
                    return t.atOffset(ZoneOffset.UTC);
                }
                if (v instanceof OffsetDateTime t) {
                    return t.withOffsetSameInstant(ZoneOffset.UTC);
                }
                return v;
            case "interval", "json", "jsonb":
                if (v instanceof String) {
                    return v;
                }
                return PgValues.toText(type, v, SessionFormat.DEFAULT);
            default:
                return v;
        }
    }

    private BigDecimal applyNumericTypmod(BigDecimal d) throws PgException {
        if (typmod < 4) {
            return d;
        }
        int p = ((typmod - 4) >> 16) & 0xFFFF;
        int s = (typmod - 4) & 0xFFFF;
        BigDecimal r = d.setScale(s, RoundingMode.HALF_UP);
        if (r.signum() != 0 && r.precision() - r.scale() > p - s) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                    .withDetail("A field with precision " + p + ", scale " + s + " must round to an absolute value less than "
                            + (p - s == 0 ? "1" : "10^" + (p - s)) + ".");
        }
        return r;
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    // ---------------------------------------------------------------- H2 -> canonical

    /** Reads column {@code i} of the current row as a canonical value of this type. */
    Object read(ResultSet rs, int i) throws SQLException, PgException {
        if (type.isArray()) {
            Array a = rs.getArray(i);
            if (a == null) {
                return null;
            }
            return fromJava(a.getArray());
        }
        Object v = switch (type.name()) {
            case "numeric", "interval", "json", "jsonb", "text", "varchar", "bpchar", "name", "char" -> rs.getString(i);
            case "date" -> rs.getObject(i, LocalDate.class);
            case "time" -> rs.getObject(i, LocalTime.class);
            case "timetz" -> rs.getObject(i, OffsetTime.class);
            case "timestamp" -> rs.getObject(i, LocalDateTime.class);
            case "timestamptz" -> rs.getObject(i, OffsetDateTime.class);
            case "uuid" -> rs.getObject(i, UUID.class);
            case "bytea" -> rs.getBytes(i);
            default -> rs.getObject(i);
        };
        return fromJava(v);
    }

    /** Converts what H2 handed back (a JDBC object, or an array element) to the canonical form. */
    Object fromJava(Object v) throws PgException {
        if (v == null) {
            return null;
        }
        if (type.isArray()) {
            if (v instanceof Array a) {
                try {
                    v = a.getArray();
                } catch (SQLException e) {
                    throw new PgException(SqlState.INTERNAL_ERROR, e.getMessage(), e);
                }
            }
            if (v instanceof Object[] arr) {
                ColumnType e = element();
                Object[] out = new Object[arr.length];
                for (int i = 0; i < arr.length; i++) {
                    out[i] = e.fromJava(arr[i]);
                }
                return PgArray.of(out);
            }
            return v;
        }
        switch (type.name()) {
            case "bool":
                return v instanceof Boolean ? v : Boolean.valueOf(v.toString());
            case "int2":
                return v instanceof Number n ? Short.valueOf(n.shortValue()) : Short.valueOf(v.toString());
            case "int4":
                return v instanceof Number n ? Integer.valueOf(n.intValue()) : Integer.valueOf(v.toString());
            case "int8", "oid", "xid", "pg_lsn", "regclass", "regtype", "regproc":
                return v instanceof Number n ? Long.valueOf(n.longValue()) : Long.valueOf(v.toString());
            case "float4":
                return v instanceof Number n ? Float.valueOf(n.floatValue()) : Float.valueOf(v.toString());
            case "float8":
                return v instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(v.toString());
            case "numeric": {
                Object n = numeric(v);
                if (n instanceof BigDecimal d && typmod >= 4) {
                    // DECFLOAT drops trailing zeros; numeric(p,s) always shows s digits.
                    return d.setScale((typmod - 4) & 0xFFFF, RoundingMode.HALF_UP);
                }
                return n;
            }
            case "bpchar": {
                String s = v.toString();
                int n = typmod - 4;
                if (n > 0 && s.codePointCount(0, s.length()) < n) {
                    StringBuilder b = new StringBuilder(s);
                    for (int k = s.codePointCount(0, s.length()); k < n; k++) {
                        b.append(' ');
                    }
                    s = b.toString();
                }
                return s;
            }
            case "interval":
                if (v instanceof PgInterval) {
                    return v;
                }
                if (v instanceof org.h2.api.Interval iv) {
                    return interval(iv);
                }
                return parse(v.toString(), SessionFormat.DEFAULT);
            case "bytea":
                return v;
            case "date":
                if (v instanceof java.sql.Date d) {
                    return d.toLocalDate();
                }
                return v;
            case "time":
                if (v instanceof java.sql.Time t) {
                    return t.toLocalTime();
                }
                return v;
            case "timestamp": {
                LocalDateTime t = v instanceof java.sql.Timestamp ts ? ts.toLocalDateTime() : (LocalDateTime) v;
                return t.getYear() >= INFINITY_YEAR ? LocalDateTime.MAX : t.getYear() <= -INFINITY_YEAR ? LocalDateTime.MIN : t;
            }
            case "timestamptz": {
                OffsetDateTime t = (OffsetDateTime) v;
                return t.getYear() >= INFINITY_YEAR ? Instant.MAX : t.getYear() <= -INFINITY_YEAR ? Instant.MIN : t.toInstant();
            }
            case "text", "varchar", "name", "char", "json", "jsonb":
                return v.toString();
            default:
                return v;
        }
    }

    private static Object numeric(Object v) {
        if (v instanceof BigDecimal d) {
            return d.scale() < 0 ? d.setScale(0) : d;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? Double.valueOf(d) : new BigDecimal(v.toString(), MathContext.UNLIMITED);
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        String s = v.toString();
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                BigDecimal d = new BigDecimal(s);
                return d.scale() < 0 ? d.setScale(0) : d;
        }
    }

    private static PgInterval interval(org.h2.api.Interval iv) {
        long sign = iv.isNegative() ? -1 : 1;
        int months = (int) (sign * (iv.getYears() * 12 + iv.getMonths()));
        int days = (int) (sign * iv.getDays());
        long micros = sign * (iv.getHours() * 3_600_000_000L + iv.getMinutes() * 60_000_000L + iv.getSeconds() * 1_000_000L
                + iv.getNanosOfSecond() / 1000);
        return new PgInterval(months, days, micros);
    }

    /** The SQL type name PostgreSQL shows for this type, as in {@code format_type}. */
    String displayName() {
        String n = switch (type.isArray() ? type.elementType().name() : type.name()) {
            case "int2" -> "smallint";
            case "int4" -> "integer";
            case "int8" -> "bigint";
            case "float4" -> "real";
            case "float8" -> "double precision";
            case "bool" -> "boolean";
            case "varchar" -> typmod > 4 ? "character varying(" + (typmod - 4) + ")" : "character varying";
            case "bpchar" -> typmod > 4 ? "character(" + (typmod - 4) + ")" : "bpchar";
            case "timestamptz" -> "timestamp with time zone";
            case "timestamp" -> "timestamp without time zone";
            case "timetz" -> "time with time zone";
            case "time" -> "time without time zone";
            default -> type.isArray() ? type.elementType().name() : type.name();
        };
        return type.isArray() ? n + "[]" : n;
    }
}
