package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.regex.Pattern;

/** numeric: text form with its display scale, typmod rounding, and the base-10000 binary form. */
final class Numerics {
    private Numerics() {}

    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final int POS = 0x0000;
    private static final int NEG = 0x4000;
    private static final int NAN = 0xC000;
    private static final int PINF = 0xD000;
    private static final int NINF = 0xF000;
    private static final BigInteger NBASE = BigInteger.valueOf(10000);

    static String output(Object value) {
        if (value instanceof Double d) {
            if (d.isNaN()) return "NaN";
            if (d == Double.POSITIVE_INFINITY) return "Infinity";
            if (d == Double.NEGATIVE_INFINITY) return "-Infinity";
            return normal(BigDecimal.valueOf(d)).toPlainString();
        }
        return normal(toBigDecimal(value)).toPlainString();
    }

    private static BigDecimal toBigDecimal(Object value) {
        if (value instanceof BigDecimal b) return b;
        if (value instanceof BigInteger b) return new BigDecimal(b);
        if (value instanceof Number n) return new BigDecimal(n.toString());
        return new BigDecimal(value.toString());
    }

    private static BigDecimal normal(BigDecimal b) {
        return b.scale() < 0 ? b.setScale(0) : b;
    }

    static Object input(String text, int typmod) throws PgException {
        String s = text.strip();
        Object v;
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nan": v = Double.NaN; break;
            case "infinity": case "+infinity": case "inf": case "+inf": v = Double.POSITIVE_INFINITY; break;
            case "-infinity": case "-inf": v = Double.NEGATIVE_INFINITY; break;
            default:
                if (!NUMBER.matcher(s).matches()) {
                    throw PgTextCodec.syntax("numeric", text);
                }
                String m = s;
                if (m.startsWith("+")) m = m.substring(1);
                try {
                    v = normal(new BigDecimal(m));
                } catch (NumberFormatException | ArithmeticException e) {
                    throw PgTextCodec.syntax("numeric", text);
                }
        }
        return applyTypmod(v, typmod);
    }

    static Object applyTypmod(Object v, int typmod) throws PgException {
        if (typmod < 4) return v;
        int precision = ((typmod - 4) >> 16) & 0xFFFF;
        int scale = (((typmod - 4) & 0x7FF) ^ 1024) - 1024;
        int maxDigits = precision - scale;
        if (v instanceof Double d) {
            if (d.isInfinite()) {
                throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                        .withDetail("A field with precision " + precision + ", scale " + scale + " cannot hold an infinite value.");
            }
            return v;
        }
        BigDecimal b = ((BigDecimal) v).setScale(scale, RoundingMode.HALF_UP);
        if (b.signum() != 0 && b.abs().compareTo(BigDecimal.ONE.scaleByPowerOfTen(maxDigits)) >= 0) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
                    .withDetail("A field with precision " + precision + ", scale " + scale
                            + " must round to an absolute value less than " + (maxDigits != 0 ? "10^" + maxDigits : "1") + ".");
        }
        return normal(b);
    }

    static byte[] send(Object value) {
        ByteBuffer buf;
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            buf = ByteBuffer.allocate(8);
            buf.putShort((short) 0).putShort((short) 0)
                    .putShort((short) (d.isNaN() ? NAN : d > 0 ? PINF : NINF)).putShort((short) (d.isNaN() ? 0 : 0x20));
            return buf.array();
        }
        BigDecimal b = normal(value instanceof Double d ? BigDecimal.valueOf(d) : toBigDecimal(value));
        int dscale = b.scale();
        String plain = b.abs().toPlainString();
        int dot = plain.indexOf('.');
        String ip = dot < 0 ? plain : plain.substring(0, dot);
        String fp = dot < 0 ? "" : plain.substring(dot + 1);
        if (ip.equals("0")) ip = "";
        int ipad = (4 - ip.length() % 4) % 4;
        ip = "0".repeat(ipad) + ip;
        int fpad = (4 - fp.length() % 4) % 4;
        fp = fp + "0".repeat(fpad);
        String all = ip + fp;
        int n = all.length() / 4;
        short[] digits = new short[n];
        for (int i = 0; i < n; i++) {
            digits[i] = Short.parseShort(all.substring(4 * i, 4 * i + 4));
        }
        int weight = ip.length() / 4 - 1;
        int first = 0;
        while (first < n && digits[first] == 0) {
            first++;
            weight--;
        }
        int last = n;
        while (last > first && digits[last - 1] == 0) last--;
        int nd = last - first;
        if (nd == 0) weight = 0;
        buf = ByteBuffer.allocate(8 + 2 * nd);
        buf.putShort((short) nd).putShort((short) weight).putShort((short) (nd == 0 ? POS : b.signum() < 0 ? NEG : POS))
                .putShort((short) dscale);
        for (int i = first; i < last; i++) buf.putShort(digits[i]);
        return buf.array();
    }

    static Object receive(ByteBuffer in, int typmod) throws PgException {
        int nd = in.getShort() & 0xFFFF;
        int weight = in.getShort();
        int sign = in.getShort() & 0xFFFF;
        int dscale = in.getShort() & 0xFFFF;
        if (sign != POS && sign != NEG && sign != NAN && sign != PINF && sign != NINF) {
            throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid sign in external \"numeric\" value");
        }
        if ((dscale & 0x3FFF) != dscale) {
            throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid scale in external \"numeric\" value");
        }
        BigInteger acc = BigInteger.ZERO;
        for (int i = 0; i < nd; i++) {
            int d = in.getShort();
            if (d < 0 || d >= 10000) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid digit in external \"numeric\" value");
            }
            acc = acc.multiply(NBASE).add(BigInteger.valueOf(d));
        }
        if (sign == NAN) return Double.NaN;
        if (sign == PINF) return applyTypmod(Double.POSITIVE_INFINITY, typmod);
        if (sign == NINF) return applyTypmod(Double.NEGATIVE_INFINITY, typmod);
        // value = acc * 10000^(weight - nd + 1)
        int exp4 = weight - nd + 1;
        BigDecimal v = new BigDecimal(acc).scaleByPowerOfTen(4 * exp4);
        if (sign == NEG) v = v.negate();
        v = v.setScale(dscale, RoundingMode.DOWN);
        return applyTypmod(v, typmod);
    }

}
