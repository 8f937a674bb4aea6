package io.slotway.source.h2;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.HexFormat;
import java.util.UUID;

/** Writes stored values as H2 SQL literals, for DDL defaults and for literals rewritten in statements. */
final class H2Literals {
    private H2Literals() {}

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String quoteIdent(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** An H2 literal for {@code value} (as {@link ColumnType#toStorage} made it), typed as the column's storage. */
    static String render(ColumnType type, Object value) {
        if (value == null) {
            return "CAST(NULL AS " + type.storageType() + ")";
        }
        if (value instanceof Object[] arr) {
            StringBuilder b = new StringBuilder("CAST(ARRAY[");
            ColumnType e = type.isArray() ? type.element() : ColumnType.TEXT;
            for (int i = 0; i < arr.length; i++) {
                if (i > 0) {
                    b.append(", ");
                }
                b.append(arr[i] == null ? "NULL" : scalar(e, arr[i]));
            }
            return b.append("] AS ").append(type.storageType()).append(")").toString();
        }
        return scalar(type, value);
    }

    private static String scalar(ColumnType type, Object v) {
        String storage = type.isArray() ? type.element().storageType() : type.storageType();
        if (v instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return "CAST(" + v + " AS " + storage + ")";
        }
        if (v instanceof BigDecimal d) {
            return "CAST(" + quote(d.toPlainString()) + " AS " + storage + ")";
        }
        if (v instanceof Double || v instanceof Float) {
            return "CAST(" + quote(v.toString()) + " AS " + storage + ")";
        }
        if (v instanceof byte[] bytes) {
            return "X'" + HexFormat.of().formatHex(bytes) + "'";
        }
        if (v instanceof LocalDate d) {
            return "DATE '" + date(d) + "'";
        }
        if (v instanceof LocalDateTime t) {
            return "CAST(TIMESTAMP '" + date(t.toLocalDate()) + " " + time(t.toLocalTime()) + "' AS " + storage + ")";
        }
        if (v instanceof OffsetDateTime t) {
            return "CAST(TIMESTAMP WITH TIME ZONE '" + date(t.toLocalDate()) + " " + time(t.toLocalTime()) + t.getOffset()
                    .getId().replace("Z", "+00:00") + "' AS " + storage + ")";
        }
        if (v instanceof LocalTime t) {
            return "CAST(TIME '" + time(t) + "' AS " + storage + ")";
        }
        if (v instanceof OffsetTime t) {
            return "CAST(TIME WITH TIME ZONE '" + time(t.toLocalTime()) + t.getOffset().getId().replace("Z", "+00:00") + "' AS "
                    + storage + ")";
        }
        if (v instanceof UUID u) {
            return "CAST('" + u + "' AS UUID)";
        }
        return "CAST(" + quote(v.toString()) + " AS " + storage + ")";
    }

    private static String date(LocalDate d) {
        int y = d.getYear();
        String year = y < 0 ? "-" + pad(-y, 4) : pad(y, 4);
        return year + "-" + pad(d.getMonthValue(), 2) + "-" + pad(d.getDayOfMonth(), 2);
    }

    private static String time(LocalTime t) {
        return pad(t.getHour(), 2) + ":" + pad(t.getMinute(), 2) + ":" + pad(t.getSecond(), 2) + "." + pad(t.getNano() / 1000, 6);
    }

    private static String pad(long n, int width) {
        StringBuilder s = new StringBuilder(Long.toString(n));
        while (s.length() < width) {
            s.insert(0, '0');
        }
        return s.toString();
    }
}
