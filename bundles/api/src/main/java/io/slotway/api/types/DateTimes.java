package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** date, time, timetz, timestamp and timestamptz text forms under DateStyle and TimeZone. */
final class DateTimes {
    private DateTimes() {}

    static final LocalDate PG_EPOCH = LocalDate.of(2000, 1, 1);
    static final LocalDateTime PG_EPOCH_TS = PG_EPOCH.atStartOfDay();
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    enum Style { ISO, SQL, POSTGRES, GERMAN }

    enum Order { MDY, DMY, YMD }

    static Style style(SessionFormat f) {
        String s = f.dateStyle().toUpperCase(Locale.ROOT);
        if (s.contains("SQL")) return Style.SQL;
        if (s.contains("POSTGRES")) return Style.POSTGRES;
        if (s.contains("GERMAN")) return Style.GERMAN;
        return Style.ISO;
    }

    static Order order(SessionFormat f) {
        String s = f.dateStyle().toUpperCase(Locale.ROOT);
        if (s.contains("DMY") || s.contains("EURO") && !s.contains("NONEURO")) return Order.DMY;
        if (s.contains("YMD")) return Order.YMD;
        if (s.contains("MDY") || s.contains("US") || s.contains("NONEURO")) return Order.MDY;
        return s.contains("GERMAN") ? Order.DMY : Order.MDY;
    }

    // ---------------- output ----------------

    static String formatDate(LocalDate d, SessionFormat f) {
        if (d.equals(LocalDate.MAX)) return "infinity";
        if (d.equals(LocalDate.MIN)) return "-infinity";
        int y = d.getYear();
        boolean bc = y <= 0;
        String year = pad(bc ? 1 - y : y, 4);
        String mm = pad(d.getMonthValue(), 2);
        String dd = pad(d.getDayOfMonth(), 2);
        String s;
        switch (style(f)) {
            case SQL: s = order(f) == Order.DMY ? dd + "/" + mm + "/" + year : mm + "/" + dd + "/" + year; break;
            case GERMAN: s = dd + "." + mm + "." + year; break;
            case POSTGRES: s = order(f) == Order.DMY ? dd + "-" + mm + "-" + year : mm + "-" + dd + "-" + year; break;
            default: s = year + "-" + mm + "-" + dd; break;
        }
        return bc ? s + " BC" : s;
    }

    static String formatTime(LocalTime t) {
        if (t.equals(LocalTime.MAX)) return "24:00:00";
        StringBuilder sb = new StringBuilder(15);
        appendTime(sb, t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
        return sb.toString();
    }

    static String formatTimetz(OffsetTime t) {
        StringBuilder sb = new StringBuilder(formatTime(t.toLocalTime()));
        appendOffset(sb, t.getOffset().getTotalSeconds());
        return sb.toString();
    }

    static String formatTimestamp(LocalDateTime ts, SessionFormat f) {
        if (ts.equals(LocalDateTime.MAX)) return "infinity";
        if (ts.equals(LocalDateTime.MIN)) return "-infinity";
        return formatDateTime(ts, f, null, null);
    }

    static String formatTimestamptz(Instant i, SessionFormat f) {
        if (i.equals(Instant.MAX)) return "infinity";
        if (i.equals(Instant.MIN)) return "-infinity";
        ZonedDateTime z = i.atZone(f.timeZone());
        return formatDateTime(z.toLocalDateTime(), f, z.getOffset().getTotalSeconds(), z);
    }

    private static String formatDateTime(LocalDateTime ts, SessionFormat f, Integer offset, ZonedDateTime z) {
        int y = ts.getYear();
        boolean bc = y <= 0;
        String year = pad(bc ? 1 - y : y, 4);
        String mm = pad(ts.getMonthValue(), 2);
        String dd = pad(ts.getDayOfMonth(), 2);
        StringBuilder sb = new StringBuilder(40);
        Style style = style(f);
        switch (style) {
            case SQL:
                sb.append(order(f) == Order.DMY ? dd + "/" + mm : mm + "/" + dd).append('/').append(year).append(' ');
                appendTime(sb, ts.getHour(), ts.getMinute(), ts.getSecond(), ts.getNano() / 1000);
                break;
            case GERMAN:
                sb.append(dd).append('.').append(mm).append('.').append(year).append(' ');
                appendTime(sb, ts.getHour(), ts.getMinute(), ts.getSecond(), ts.getNano() / 1000);
                break;
            case POSTGRES:
                sb.append(ts.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)).append(' ');
                String mon = MONTHS[ts.getMonthValue() - 1];
                sb.append(order(f) == Order.DMY ? dd + " " + mon : mon + " " + dd).append(' ');
                appendTime(sb, ts.getHour(), ts.getMinute(), ts.getSecond(), ts.getNano() / 1000);
                sb.append(' ').append(year);
                break;
            default:
                sb.append(year).append('-').append(mm).append('-').append(dd).append(' ');
                appendTime(sb, ts.getHour(), ts.getMinute(), ts.getSecond(), ts.getNano() / 1000);
                break;
        }
        if (offset != null) {
            if (style == Style.ISO) {
                appendOffset(sb, offset);
            } else {
                String abbrev = ZoneAbbreviations.abbreviation(f.timeZone(), z.toInstant());
                if (abbrev != null) {
                    sb.append(' ').append(abbrev);
                } else {
                    sb.append(' ');
                    appendOffset(sb, offset);
                }
            }
        }
        if (bc) sb.append(" BC");
        return sb.toString();
    }

    static void appendTime(StringBuilder sb, int h, int m, int s, int micros) {
        sb.append(pad(h, 2)).append(':').append(pad(m, 2)).append(':').append(pad(s, 2));
        appendFraction(sb, micros);
    }

    static void appendFraction(StringBuilder sb, int micros) {
        if (micros != 0) {
            String fr = pad(micros, 6);
            int end = fr.length();
            while (fr.charAt(end - 1) == '0') end--;
            sb.append('.').append(fr, 0, end);
        }
    }

    /** PostgreSQL's offset form: +HH, +HH:MM or +HH:MM:SS (east of Greenwich positive). */
    static void appendOffset(StringBuilder sb, int seconds) {
        sb.append(seconds < 0 ? '-' : '+');
        int a = Math.abs(seconds);
        int h = a / 3600;
        int m = (a / 60) % 60;
        int s = a % 60;
        sb.append(pad(h, 2));
        if (m != 0 || s != 0) sb.append(':').append(pad(m, 2));
        if (s != 0) sb.append(':').append(pad(s, 2));
    }

    static String pad(long v, int width) {
        String s = Long.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    // ---------------- input ----------------

    private static final String ZONE = "(?<zone>Z|z|UTC|utc|GMT|gmt|[+-]\\d{1,2}(?::?\\d{2}(?::?\\d{2})?)?|[A-Za-z_]+/[A-Za-z_/+-]+)";
    private static final String TIME = "(?<h>\\d{1,2}):(?<mi>\\d{1,2})(?::(?<s>\\d{1,2})(?:\\.(?<f>\\d*))?)?";
    private static final Pattern ISO_TS = Pattern.compile(
            "(?<y>\\d{1,7})-(?<mo>\\d{1,2})-(?<d>\\d{1,2})(?:(?:[Tt]|\\s+)" + TIME + ")?\\s*" + ZONE + "?\\s*(?<era>BC|bc|AD|ad)?");
    private static final Pattern SLASH_TS = Pattern.compile(
            "(?<a>\\d{1,4})[/.](?<b>\\d{1,2})[/.](?<c>\\d{1,4})(?:\\s+" + TIME + ")?\\s*" + ZONE + "?\\s*(?<era>BC|bc|AD|ad)?");
    private static final Pattern TIME_ONLY = Pattern.compile(
            "(?:\\d{1,7}-\\d{1,2}-\\d{1,2}(?:[Tt]|\\s+))?" + TIME + "\\s*" + ZONE + "?");

    /** The parsed fields of a date/time string. */
    private static final class Fields {
        int year;
        int month;
        int day;
        int hour;
        int minute;
        int second;
        long micros;
        boolean hasTime;
        ZoneId zone;
        int special; // 0 none, 1 infinity, -1 -infinity, 2 epoch
    }

    private static Fields parse(String text, String typeName, SessionFormat f) throws PgException {
        String s = text.strip();
        Fields r = new Fields();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "infinity": case "+infinity": r.special = 1; return r;
            case "-infinity": r.special = -1; return r;
            case "epoch": r.special = 2; return r;
            case "now": case "today": case "tomorrow": case "yesterday":
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        "the special value \"" + s + "\" for type " + typeName + " is not supported by Slotway");
            default: break;
        }
        Matcher m = ISO_TS.matcher(s);
        if (m.matches()) {
            r.year = Integer.parseInt(m.group("y"));
            r.month = Integer.parseInt(m.group("mo"));
            r.day = Integer.parseInt(m.group("d"));
        } else {
            m = SLASH_TS.matcher(s);
            if (!m.matches()) throw syntax(typeName, text);
            int a = Integer.parseInt(m.group("a"));
            int b = Integer.parseInt(m.group("b"));
            int c = Integer.parseInt(m.group("c"));
            if (m.group("a").length() > 2) {
                r.year = a; r.month = b; r.day = c;
            } else {
                Order o = order(f);
                if (o == Order.DMY) { r.day = a; r.month = b; } else { r.month = a; r.day = b; }
                r.year = c;
                if (m.group("c").length() <= 2) r.year = c < 70 ? 2000 + c : 1900 + c;
            }
        }
        if (m.group("era") != null && m.group("era").equalsIgnoreCase("BC")) {
            if (r.year == 0) throw range(text);
            r.year = 1 - r.year;
        } else if (r.year == 0) {
            throw range(text);
        }
        if (m.group("h") != null) {
            r.hasTime = true;
            readTime(m, r, text);
        }
        if (m.group("zone") != null) r.zone = zone(m.group("zone"), typeName, text);
        if (r.month < 1 || r.month > 12 || r.day < 1 || r.day > LocalDate.of(r.year, r.month, 1).lengthOfMonth()) {
            throw range(text);
        }
        return r;
    }

    private static void readTime(Matcher m, Fields r, String text) throws PgException {
        r.hour = Integer.parseInt(m.group("h"));
        r.minute = Integer.parseInt(m.group("mi"));
        r.second = m.group("s") == null ? 0 : Integer.parseInt(m.group("s"));
        String fr = m.group("f");
        if (fr != null && !fr.isEmpty()) {
            // rounded to microseconds, half away from zero as rint() does for these values
            java.math.BigDecimal b = new java.math.BigDecimal("0." + fr).movePointRight(6)
                    .setScale(0, java.math.RoundingMode.HALF_EVEN);
            r.micros = b.longValueExact();
        }
        if (r.hour > 24 || r.minute > 59 || r.second > 60
                || r.hour == 24 && (r.minute != 0 || r.second != 0 || r.micros != 0)) {
            throw range(text);
        }
    }

    private static ZoneId zone(String z, String typeName, String text) throws PgException {
        try {
            if (z.equalsIgnoreCase("z") || z.equalsIgnoreCase("utc") || z.equalsIgnoreCase("gmt")) return ZoneOffset.UTC;
            if (z.charAt(0) == '+' || z.charAt(0) == '-') {
                int sign = z.charAt(0) == '-' ? -1 : 1;
                String d = z.substring(1).replace(":", "");
                int h;
                int mi = 0;
                int se = 0;
                if (d.length() <= 2) {
                    h = Integer.parseInt(d);
                } else {
                    h = Integer.parseInt(d.substring(0, d.length() % 2 == 0 ? 2 : 1));
                    String rest = d.substring(d.length() % 2 == 0 ? 2 : 1);
                    mi = Integer.parseInt(rest.substring(0, 2));
                    if (rest.length() > 2) se = Integer.parseInt(rest.substring(2));
                }
                if (h > 15 || mi > 59 || se > 59) {
                    throw new PgException(SqlState.INVALID_DATETIME_FORMAT, "time zone displacement out of range: \"" + text + "\"");
                }
                return ZoneOffset.ofTotalSeconds(sign * (h * 3600 + mi * 60 + se));
            }
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "time zone \"" + z + "\" not recognized");
        }
    }

    static LocalDate parseDate(String text, SessionFormat f) throws PgException {
        Fields r = parse(text, "date", f);
        if (r.special == 1) return LocalDate.MAX;
        if (r.special == -1) return LocalDate.MIN;
        if (r.special == 2) return LocalDate.of(1970, 1, 1);
        return LocalDate.of(r.year, r.month, r.day);
    }

    private static LocalDateTime toLocal(Fields r, String text) {
        LocalDateTime t = LocalDateTime.of(r.year, r.month, r.day, 0, 0);
        return t.plusHours(r.hour).plusMinutes(r.minute).plusSeconds(r.second).plus(r.micros, ChronoUnit.MICROS);
    }

    static LocalDateTime parseTimestamp(String text, int typmod, SessionFormat f) throws PgException {
        Fields r = parse(text, "timestamp", f);
        if (r.special == 1) return LocalDateTime.MAX;
        if (r.special == -1) return LocalDateTime.MIN;
        if (r.special == 2) return LocalDateTime.of(1970, 1, 1, 0, 0);
        LocalDateTime t = toLocal(r, text);
        return PG_EPOCH_TS.plus(roundMicros(ChronoUnit.MICROS.between(PG_EPOCH_TS, t), typmod), ChronoUnit.MICROS);
    }

    static Instant parseTimestamptz(String text, int typmod, SessionFormat f) throws PgException {
        Fields r = parse(text, "timestamp with time zone", f);
        if (r.special == 1) return Instant.MAX;
        if (r.special == -1) return Instant.MIN;
        if (r.special == 2) return Instant.EPOCH;
        LocalDateTime t = toLocal(r, text);
        ZoneId zone = r.zone != null ? r.zone : f.timeZone();
        Instant i = ZonedDateTime.ofLocal(t, zone, null).withLaterOffsetAtOverlap().toInstant();
        long micros = PgBinaryCodec.timestamptzMicros(i);
        return PgBinaryCodec.fromMicros(roundMicros(micros, typmod));
    }

    static LocalTime parseTime(String text, int typmod) throws PgException {
        long micros = timeMicros(text, "time", typmod, null);
        return fromMicrosOfDay(micros);
    }

    static LocalTime fromMicrosOfDay(long micros) {
        return micros >= 86_400_000_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
    }

    static long microsOfDay(LocalTime t) {
        return t.equals(LocalTime.MAX) ? 86_400_000_000L : t.toNanoOfDay() / 1000;
    }

    static OffsetTime parseTimetz(String text, int typmod, SessionFormat f) throws PgException {
        ZoneId[] zone = new ZoneId[1];
        long micros = timeMicros(text, "time with time zone", typmod, zone);
        ZoneOffset off = (zone[0] != null ? zone[0] : f.timeZone()).getRules().getOffset(Instant.now());
        return OffsetTime.of(fromMicrosOfDay(micros), off);
    }

    private static long timeMicros(String text, String typeName, int typmod, ZoneId[] zoneOut) throws PgException {
        String s = text.strip();
        if (s.equalsIgnoreCase("allballs")) return 0;
        Matcher m = TIME_ONLY.matcher(s);
        if (!m.matches()) throw syntax(typeName, text);
        Fields r = new Fields();
        readTime(m, r, text);
        if (m.group("zone") != null && zoneOut != null) zoneOut[0] = zone(m.group("zone"), typeName, text);
        long micros = ((r.hour * 60L + r.minute) * 60 + r.second) * 1_000_000L + r.micros;
        micros = roundMicros(micros, typmod);
        if (micros > 86_400_000_000L) throw range(text);
        return micros;
    }

    /** AdjustTimestampForTypmod: round half away from zero to 10^-p seconds. */
    static long roundMicros(long micros, int typmod) {
        if (typmod < 0 || typmod >= 6) return micros;
        long scale = (long) Math.pow(10, 6 - typmod);
        long offset = scale / 2;
        return micros >= 0 ? ((micros + offset) / scale) * scale : -((((-micros) + offset) / scale) * scale);
    }

    static PgException syntax(String typeName, String text) {
        return new PgException(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for type " + typeName + ": \"" + text + "\"");
    }

    static PgException range(String text) {
        return new PgException(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"" + text + "\"");
    }

}
