package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** interval: the four IntervalStyle outputs and the common input forms. */
final class Intervals {
    private Intervals() {}

    private static final long USEC_PER_SEC = 1_000_000L;
    private static final long USEC_PER_MIN = 60 * USEC_PER_SEC;
    private static final long USEC_PER_HOUR = 60 * USEC_PER_MIN;
    private static final long USEC_PER_DAY = 24 * USEC_PER_HOUR;

    // ---------------- output ----------------

    static String output(PgInterval v, String style) {
        int year = v.months() / 12;
        int mon = v.months() % 12;
        int mday = v.days();
        long time = v.micros();
        long hour = time / USEC_PER_HOUR;
        time -= hour * USEC_PER_HOUR;
        int min = (int) (time / USEC_PER_MIN);
        time -= min * USEC_PER_MIN;
        int sec = (int) (time / USEC_PER_SEC);
        int fsec = (int) (time - sec * USEC_PER_SEC);
        StringBuilder sb = new StringBuilder(40);
        switch (style.toLowerCase(Locale.ROOT)) {
            case "iso_8601":
                iso(sb, year, mon, mday, hour, min, sec, fsec);
                break;
            case "sql_standard":
                sqlStandard(sb, year, mon, mday, hour, min, sec, fsec);
                break;
            case "postgres_verbose":
                verbose(sb, year, mon, mday, hour, min, sec, fsec);
                break;
            default:
                postgres(sb, year, mon, mday, hour, min, sec, fsec);
                break;
        }
        return sb.toString();
    }

    private static void postgres(StringBuilder sb, int year, int mon, int mday, long hour, int min, int sec, int fsec) {
        boolean[] zeroBefore = {true, false};
        part(sb, year, "year", zeroBefore);
        part(sb, mon, "mon", zeroBefore);
        part(sb, mday, "day", zeroBefore);
        if (zeroBefore[0] || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            boolean minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
            if (!zeroBefore[0]) sb.append(' ');
            sb.append(minus ? "-" : zeroBefore[1] ? "+" : "");
            sb.append(DateTimes.pad(Math.abs(hour), 2)).append(':').append(DateTimes.pad(Math.abs(min), 2)).append(':');
            seconds(sb, sec, fsec, true);
        }
    }

    private static void part(StringBuilder sb, long value, String unit, boolean[] zeroBefore) {
        if (value == 0) return;
        if (!zeroBefore[0]) sb.append(' ');
        if (zeroBefore[1] && value > 0) sb.append('+');
        sb.append(value).append(' ').append(unit);
        if (value != 1) sb.append('s');
        zeroBefore[1] = value < 0;
        zeroBefore[0] = false;
    }

    private static void seconds(StringBuilder sb, int sec, int fsec, boolean fill) {
        int s = Math.abs(sec);
        sb.append(fill ? DateTimes.pad(s, 2) : Integer.toString(s));
        DateTimes.appendFraction(sb, Math.abs(fsec));
    }

    private static void iso(StringBuilder sb, int year, int mon, int mday, long hour, int min, int sec, int fsec) {
        if (year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0) {
            sb.append("PT0S");
            return;
        }
        sb.append('P');
        isoPart(sb, year, 'Y');
        isoPart(sb, mon, 'M');
        isoPart(sb, mday, 'D');
        if (hour != 0 || min != 0 || sec != 0 || fsec != 0) sb.append('T');
        isoPart(sb, hour, 'H');
        isoPart(sb, min, 'M');
        if (sec != 0 || fsec != 0) {
            if (sec < 0 || fsec < 0) sb.append('-');
            seconds(sb, sec, fsec, false);
            sb.append('S');
        }
    }

    private static void isoPart(StringBuilder sb, long v, char unit) {
        if (v != 0) sb.append(v).append(unit);
    }

    private static void sqlStandard(StringBuilder sb, int year, int mon, int mday, long hour, int min, int sec, int fsec) {
        boolean neg = year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0;
        boolean pos = year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0;
        boolean ym = year != 0 || mon != 0;
        boolean dt = mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
        boolean std = !(neg && pos) && !(ym && dt);
        if (neg && std) {
            sb.append('-');
            year = -year; mon = -mon; hour = -hour; min = -min; sec = -sec; fsec = -fsec;
        }
        long day = neg && std ? -(long) mday : mday;
        if (!neg && !pos) {
            sb.append('0');
        } else if (!std) {
            char ys = year < 0 || mon < 0 ? '-' : '+';
            char ds = day < 0 ? '-' : '+';
            char ss = hour < 0 || min < 0 || sec < 0 || fsec < 0 ? '-' : '+';
            sb.append(ys).append(Math.abs(year)).append('-').append(Math.abs(mon)).append(' ')
                    .append(ds).append(Math.abs(day)).append(' ')
                    .append(ss).append(Math.abs(hour)).append(':').append(DateTimes.pad(Math.abs(min), 2)).append(':');
            seconds(sb, sec, fsec, true);
        } else if (ym) {
            sb.append(year).append('-').append(mon);
        } else if (day != 0) {
            sb.append(day).append(' ').append(hour).append(':').append(DateTimes.pad(min, 2)).append(':');
            seconds(sb, sec, fsec, true);
        } else {
            sb.append(hour).append(':').append(DateTimes.pad(min, 2)).append(':');
            seconds(sb, sec, fsec, true);
        }
    }

    private static void verbose(StringBuilder sb, int year, int mon, int mday, long hour, int min, int sec, int fsec) {
        sb.append('@');
        boolean[] zb = {true, false};
        vpart(sb, year, "year", zb);
        vpart(sb, mon, "mon", zb);
        vpart(sb, mday, "day", zb);
        vpart(sb, hour, "hour", zb);
        vpart(sb, min, "min", zb);
        if (sec != 0 || fsec != 0) {
            sb.append(' ');
            if (sec < 0 || (sec == 0 && fsec < 0)) {
                if (zb[0]) zb[1] = true; else if (!zb[1]) sb.append('-');
            } else if (zb[1]) {
                sb.append('-');
            }
            seconds(sb, sec, fsec, false);
            sb.append(" sec").append(Math.abs(sec) != 1 || fsec != 0 ? "s" : "");
            zb[0] = false;
        }
        if (zb[0]) sb.append(" 0");
        if (zb[1]) sb.append(" ago");
    }

    private static void vpart(StringBuilder sb, long value, String unit, boolean[] zb) {
        if (value == 0) return;
        if (zb[0]) {
            zb[1] = value < 0;
            value = Math.abs(value);
        } else if (zb[1]) {
            value = -value;
        }
        sb.append(' ').append(value).append(' ').append(unit).append(value == 1 ? "" : "s");
        zb[0] = false;
    }

    // ---------------- input ----------------

    private static final Pattern NUM = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)");
    private static final Pattern NUM_UNIT = Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+))([a-zA-Z]+)");
    private static final Pattern TIME = Pattern.compile("([+-]?)(\\d+):(\\d+)(?::(\\d+(?:\\.\\d*)?))?");
    private static final Pattern YM = Pattern.compile("([+-]?)(\\d+)-(\\d+)");
    private static final Pattern ISO = Pattern.compile(
            "P(?:([+-]?[\\d.]+)Y)?(?:([+-]?[\\d.]+)M)?(?:([+-]?[\\d.]+)W)?(?:([+-]?[\\d.]+)D)?"
            + "(?:T(?:([+-]?[\\d.]+)H)?(?:([+-]?[\\d.]+)M)?(?:([+-]?[\\d.]+)S)?)?", Pattern.CASE_INSENSITIVE);

    /** Accumulates fields as PostgreSQL does, cascading fractions down to smaller units. */
    private static final class Acc {
        long months;
        long days;
        BigDecimal micros = BigDecimal.ZERO;

        void add(String unit, BigDecimal v, String text) throws PgException {
            BigDecimal ip = new BigDecimal(v.toBigInteger());
            BigDecimal fp = v.subtract(ip);
            switch (unit) {
                case "millennium": yearsLike(ip, fp, 1000); break;
                case "century": yearsLike(ip, fp, 100); break;
                case "decade": yearsLike(ip, fp, 10); break;
                case "year": yearsLike(ip, fp, 1); break;
                case "month":
                    months += ip.longValueExact();
                    fractDays(fp.multiply(BigDecimal.valueOf(30)));
                    break;
                case "week":
                    days += ip.longValueExact() * 7;
                    fractDays(fp.multiply(BigDecimal.valueOf(7)));
                    break;
                case "day":
                    days += ip.longValueExact();
                    micros = micros.add(fp.multiply(BigDecimal.valueOf(USEC_PER_DAY)));
                    break;
                case "hour": micros = micros.add(v.multiply(BigDecimal.valueOf(USEC_PER_HOUR))); break;
                case "minute": micros = micros.add(v.multiply(BigDecimal.valueOf(USEC_PER_MIN))); break;
                case "second": micros = micros.add(v.multiply(BigDecimal.valueOf(USEC_PER_SEC))); break;
                case "millisecond": micros = micros.add(v.multiply(BigDecimal.valueOf(1000))); break;
                case "microsecond": micros = micros.add(v); break;
                default: throw syntax(text);
            }
        }

        private void yearsLike(BigDecimal ip, BigDecimal fp, int years) {
            months += ip.longValueExact() * 12 * years;
            months += fp.multiply(BigDecimal.valueOf(12L * years)).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        }

        private void fractDays(BigDecimal d) {
            BigDecimal whole = new BigDecimal(d.toBigInteger());
            days += whole.longValueExact();
            micros = micros.add(d.subtract(whole).multiply(BigDecimal.valueOf(USEC_PER_DAY)));
        }
    }

    private static String unit(String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "y": case "yr": case "yrs": case "year": case "years": return "year";
            case "mon": case "mons": case "month": case "months": return "month";
            case "w": case "week": case "weeks": return "week";
            case "d": case "day": case "days": return "day";
            case "h": case "hr": case "hrs": case "hour": case "hours": return "hour";
            case "m": case "min": case "mins": case "minute": case "minutes": return "minute";
            case "s": case "sec": case "secs": case "second": case "seconds": return "second";
            case "ms": case "msec": case "msecs": case "millisecond": case "milliseconds": return "millisecond";
            case "us": case "usec": case "usecs": case "microsecond": case "microseconds": return "microsecond";
            case "decade": case "decades": case "dec": case "decs": return "decade";
            case "c": case "cent": case "century": case "centuries": return "century";
            case "mil": case "mils": case "millennium": case "millennia": return "millennium";
            default: return null;
        }
    }

    static PgInterval input(String text, int typmod, String style) throws PgException {
        String s = text.strip();
        Acc acc = new Acc();
        try {
            if (!s.isEmpty() && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
                Matcher m = ISO.matcher(s);
                if (!m.matches() || s.length() == 1 || s.endsWith("T") || s.endsWith("t")) throw syntax(text);
                String[] units = {"year", "month", "week", "day", "hour", "minute", "second"};
                for (int i = 0; i < units.length; i++) {
                    if (m.group(i + 1) != null) acc.add(units[i], number(m.group(i + 1), text), text);
                }
            } else {
                parseWords(s, text, acc, "sql_standard".equalsIgnoreCase(style));
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new PgException(SqlState.DATETIME_FIELD_OVERFLOW, "interval field value out of range: \"" + text + "\"");
        }
        long micros = acc.micros.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        if (typmod >= 0) {
            int precision = typmod & 0xFFFF;
            if (precision != 0xFFFF) micros = DateTimes.roundMicros(micros, precision);
        }
        if (acc.months > Integer.MAX_VALUE || acc.months < Integer.MIN_VALUE
                || acc.days > Integer.MAX_VALUE || acc.days < Integer.MIN_VALUE) {
            throw new PgException(SqlState.DATETIME_FIELD_OVERFLOW, "interval field value out of range: \"" + text + "\"");
        }
        return new PgInterval((int) acc.months, (int) acc.days, micros);
    }

    private static void parseWords(String s, String text, Acc acc, boolean sqlStandard) throws PgException {
        List<String> tokens = new ArrayList<>();
        for (String t : s.split("\\s+")) {
            if (t.isEmpty()) continue;
            Matcher nu = NUM_UNIT.matcher(t);
            if (nu.matches() && unit(nu.group(2)) != null) {
                tokens.add(nu.group(1));
                tokens.add(nu.group(2));
            } else {
                tokens.add(t);
            }
        }
        if (!tokens.isEmpty() && tokens.get(0).equals("@")) tokens.remove(0);
        if (tokens.isEmpty()) throw syntax(text);
        boolean ago = false;
        // sql_standard: a leading minus with no other explicit sign applies to every field
        if (sqlStandard && tokens.get(0).startsWith("-")
                && tokens.stream().skip(1).noneMatch(t -> t.startsWith("-") || t.startsWith("+"))) {
            tokens.set(0, tokens.get(0).substring(1));
            ago = true;
            tokens.remove("ago");
        }
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equalsIgnoreCase("ago")) {
                if (i != tokens.size() - 1 || ago) throw syntax(text);
                ago = true;
                continue;
            }
            Matcher m;
            if (NUM.matcher(t).matches()) {
                String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                String unit = next == null ? null : unit(next);
                if (unit != null) {
                    acc.add(unit, number(t, text), text);
                    i++;
                } else if (next != null && TIME.matcher(next).matches()) {
                    acc.add("day", number(t, text), text);
                } else if (next == null || next.equalsIgnoreCase("ago")) {
                    acc.add("second", number(t, text), text);
                } else {
                    throw syntax(text);
                }
            } else if ((m = TIME.matcher(t)).matches()) {
                BigDecimal v = BigDecimal.valueOf(Long.parseLong(m.group(2)) * USEC_PER_HOUR + Long.parseLong(m.group(3)) * USEC_PER_MIN);
                if (m.group(4) != null) {
                    v = v.add(new BigDecimal(m.group(4).endsWith(".") ? m.group(4) + "0" : m.group(4)).multiply(BigDecimal.valueOf(USEC_PER_SEC)));
                }
                if (Long.parseLong(m.group(3)) > 59) throw range(text);
                acc.micros = acc.micros.add(m.group(1).equals("-") ? v.negate() : v);
            } else if ((m = YM.matcher(t)).matches()) {
                long months = Long.parseLong(m.group(2)) * 12 + Long.parseLong(m.group(3));
                if (Long.parseLong(m.group(3)) > 11) throw range(text);
                acc.months += m.group(1).equals("-") ? -months : months;
            } else {
                throw syntax(text);
            }
        }
        if (ago) {
            acc.months = -acc.months;
            acc.days = -acc.days;
            acc.micros = acc.micros.negate();
        }
    }

    private static BigDecimal number(String t, String text) throws PgException {
        String n = t.startsWith("+") ? t.substring(1) : t;
        if (n.endsWith(".")) n = n + "0";
        try {
            return new BigDecimal(n);
        } catch (NumberFormatException e) {
            throw syntax(text);
        }
    }

    static PgException syntax(String text) {
        return new PgException(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for type interval: \"" + text + "\"");
    }

    static PgException range(String text) {
        return new PgException(SqlState.DATETIME_FIELD_OVERFLOW, "interval field value out of range: \"" + text + "\"");
    }
}
