package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Pattern;

/** float4 and float8 text forms, as PostgreSQL 12+ writes and reads them. */
final class Floats {
    private Floats() {}

    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    static String output8(double v, int extraFloatDigits) {
        String special = special(v);
        if (special != null) return special;
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        if (extraFloatDigits > 0) {
            BigDecimal exact = new BigDecimal(v);
            for (int p = 1; p <= 17; p++) {
                BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                if (Double.parseDouble(r.toString()) == v && !onBoundary(r, exact, Math.nextDown(v), Math.nextUp(v))) {
                    return shortest(r, 15);
                }
            }
            throw new AssertionError(v);
        }
        return printfG(new BigDecimal(v), Math.max(1, 15 + extraFloatDigits));
    }

    static String output4(float v, int extraFloatDigits) {
        String special = special(v);
        if (special != null) return special;
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        if (extraFloatDigits > 0) {
            BigDecimal exact = new BigDecimal((double) v);
            for (int p = 1; p <= 9; p++) {
                BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                if (Float.parseFloat(r.toString()) == v
                        && !onBoundary(r, exact, Math.nextDown(v), Math.nextUp(v))) {
                    return shortest(r, 6);
                }
            }
            throw new AssertionError(v);
        }
        return printfG(new BigDecimal((double) v), Math.max(1, 6 + extraFloatDigits));
    }

    /** Ryu (PostgreSQL's shortest output) does not pick a candidate lying exactly halfway to a neighbour. */
    private static boolean onBoundary(BigDecimal r, BigDecimal exact, double down, double up) {
        BigDecimal two = BigDecimal.valueOf(2);
        BigDecimal below = Double.isInfinite(down) ? exact.multiply(two).subtract(new BigDecimal(up)) : new BigDecimal(down);
        BigDecimal above = Double.isInfinite(up) ? exact.multiply(two).subtract(below) : new BigDecimal(up);
        return r.compareTo(exact.add(below).divide(two)) == 0 || r.compareTo(exact.add(above).divide(two)) == 0;
    }

    private static String special(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Double.POSITIVE_INFINITY) return "Infinity";
        if (v == Double.NEGATIVE_INFINITY) return "-Infinity";
        return null;
    }

    /** Shortest digits: fixed notation for decimal exponents in [-4, limit), else d.ddde±XX. */
    private static String shortest(BigDecimal r, int limit) {
        BigDecimal s = r.stripTrailingZeros();
        String digits = s.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - s.scale();
        String sign = s.signum() < 0 ? "-" : "";
        if (exp >= -4 && exp < limit) {
            return sign + s.abs().toPlainString();
        }
        return sign + scientific(digits, exp);
    }

    private static String scientific(String digits, int exp) {
        StringBuilder sb = new StringBuilder();
        sb.append(digits.charAt(0));
        if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) sb.append('0');
        sb.append(a);
        return sb.toString();
    }

    /** C's {@code %.Pg} on the exact binary value. */
    private static String printfG(BigDecimal exact, int p) {
        BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exp = r.precision() - 1 - r.scale();
        String sign = r.signum() < 0 ? "-" : "";
        BigDecimal s = r.stripTrailingZeros();
        if (exp < p && exp >= -4) {
            return sign + s.abs().toPlainString();
        }
        return sign + scientific(s.unscaledValue().abs().toString(), exp);
    }

    static Double input8(String text) throws PgException {
        return parse(text, "double precision", false);
    }

    static Float input4(String text) throws PgException {
        return parse(text, "real", true).floatValue();
    }

    private static Double parse(String text, String typeName, boolean single) throws PgException {
        String s = text.strip();
        String l = s.toLowerCase(Locale.ROOT);
        switch (l) {
            case "nan": case "+nan": case "-nan": return Double.NaN;
            case "infinity": case "+infinity": case "inf": case "+inf": return Double.POSITIVE_INFINITY;
            case "-infinity": case "-inf": return Double.NEGATIVE_INFINITY;
            default: break;
        }
        if (!NUMBER.matcher(s).matches()) {
            throw PgTextCodec.syntax(typeName, text);
        }
        double v;
        boolean zero;
        if (single) {
            float f = Float.parseFloat(s);
            v = f;
            zero = f == 0;
        } else {
            v = Double.parseDouble(s);
            zero = v == 0;
        }
        if (Double.isInfinite(v) || (zero && new BigDecimal(mantissa(s)).signum() != 0)) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "\"" + text + "\" is out of range for type " + typeName);
        }
        return v;
    }

    private static String mantissa(String s) {
        int e = Math.max(s.indexOf('e'), s.indexOf('E'));
        String m = e < 0 ? s : s.substring(0, e);
        if (m.endsWith(".")) m = m + "0";
        if (m.startsWith(".") || m.startsWith("-.") || m.startsWith("+.")) m = m.replace(".", "0.");
        return m;
    }
}
