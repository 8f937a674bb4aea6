package io.slotway.decoder.wal2json;

import java.util.ArrayList;
import java.util.List;

/**
 * The C-library reading that wal2json's option parsing relies on: its {@code split_string_to_list} and
 * {@code split_string_to_oid_list}, {@code isspace}, {@code atoi}, {@code strtol} and {@code strtod}
 * (C locale), as far as option values need them.
 */
final class Lists {
    private Lists() {}

    /** C's {@code isspace} in the C locale. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return b.toString();
    }

    /**
     * wal2json's {@code split_string_to_list} (with {@code rejectEmpty}) or {@code split_string_to_oid_list}
     * (without): names separated by commas and optional white space, a backslash keeping the next character
     * in the name (the backslash stays); null on a syntax error (white space inside a name, an empty name).
     * An empty or all-blank value is an empty list.
     */
    static List<String> split(String raw, boolean rejectEmpty) {
        List<String> out = new ArrayList<>();
        int n = raw.length();
        int p = skipSpaces(raw, 0);
        if (p == n) {
            return out;
        }
        boolean done = false;
        do {
            int start = p;
            while (p < n && raw.charAt(p) != ',' && !isSpace(raw.charAt(p))) {
                if (raw.charAt(p) == '\\') {
                    p++;
                }
                p++;
            }
            p = Math.min(p, n);
            int end = p;
            if (rejectEmpty && start == end) {
                return null;
            }
            p = skipSpaces(raw, p);
            if (p < n && raw.charAt(p) == ',') {
                p = skipSpaces(raw, p + 1);
            } else if (p == n) {
                done = true;
            } else {
                return null;
            }
            out.add(raw.substring(start, end));
        } while (!done);
        return out;
    }

    private static int skipSpaces(String s, int p) {
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    /** C's {@code atoi} (glibc: {@code (int) strtol(s, NULL, 10)}). */
    static int atoi(String s) {
        Strtol r = strtol(s, 10);
        return (int) r.value;
    }

    /** The result of {@code strtol}: the value (clamped on overflow), where it stopped, whether it overflowed. */
    record Strtol(long value, int end, boolean erange) {}

    /** C's {@code strtol(s, &end, base)} for base 0 (auto: 0x hex, 0 octal, else decimal) or 10. */
    static Strtol strtol(String s, int base) {
        int n = s.length();
        int p = skipSpaces(s, 0);
        boolean neg = false;
        if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            neg = s.charAt(p) == '-';
            p++;
        }
        int radix = base;
        if (base == 0) {
            if (p + 1 < n && s.charAt(p) == '0' && (s.charAt(p + 1) == 'x' || s.charAt(p + 1) == 'X')
                    && p + 2 < n && Character.digit(s.charAt(p + 2), 16) >= 0 && s.charAt(p + 2) < 128) {
                radix = 16;
                p += 2;
            } else if (p < n && s.charAt(p) == '0') {
                radix = 8;
            } else {
                radix = 10;
            }
        }
        int digitsStart = p;
        java.math.BigInteger acc = java.math.BigInteger.ZERO;
        java.math.BigInteger r = java.math.BigInteger.valueOf(radix);
        while (p < n && s.charAt(p) < 128 && Character.digit(s.charAt(p), radix) >= 0) {
            acc = acc.multiply(r).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(p), radix)));
            p++;
        }
        if (p == digitsStart) {
            return new Strtol(0, 0, false);
        }
        if (neg) {
            acc = acc.negate();
        }
        if (acc.bitLength() > 63) {
            return new Strtol(neg ? Long.MIN_VALUE : Long.MAX_VALUE, p, true);
        }
        return new Strtol(acc.longValue(), p, false);
    }

    /** The result of {@code strtod}: the value, where it stopped (0: nothing read), whether it was out of range. */
    record Strtod(double value, int end, boolean erange) {}

    /** C's {@code strtod} in the C locale: decimal and hexadecimal numbers, inf, infinity and nan. */
    static Strtod strtod(String s) {
        int n = s.length();
        int p = skipSpaces(s, 0);
        int signStart = p;
        if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
            p++;
        }
        String rest = asciiLower(s.substring(p));
        boolean neg = signStart < p && s.charAt(signStart) == '-';
        if (rest.startsWith("infinity")) {
            return new Strtod(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, p + 8, false);
        }
        if (rest.startsWith("inf")) {
            return new Strtod(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, p + 3, false);
        }
        if (rest.startsWith("nan")) {
            return new Strtod(Double.NaN, p + 3, false);
        }
        boolean hex = rest.startsWith("0x") && rest.length() > 2
                && (hexDigit(rest.charAt(2)) || rest.charAt(2) == '.' && rest.length() > 3 && hexDigit(rest.charAt(3)));
        int q = hex ? p + 2 : p;
        int mantissaStart = q;
        boolean anyDigit = false;
        boolean nonZero = false;
        while (q < n && (hex ? hexDigit(s.charAt(q)) : isDigit(s.charAt(q)))) {
            anyDigit = true;
            nonZero |= s.charAt(q) != '0';
            q++;
        }
        if (q < n && s.charAt(q) == '.') {
            int afterDot = q + 1;
            int r = afterDot;
            while (r < n && (hex ? hexDigit(s.charAt(r)) : isDigit(s.charAt(r)))) {
                anyDigit = true;
                nonZero |= s.charAt(r) != '0';
                r++;
            }
            if (anyDigit) {
                q = r;
            }
        }
        if (!anyDigit) {
            return new Strtod(0, 0, false);
        }
        int mantissaEnd = q;
        String exponent = "";
        char e = hex ? 'p' : 'e';
        if (q < n && Character.toLowerCase(s.charAt(q)) == e) {
            int r = q + 1;
            if (r < n && (s.charAt(r) == '+' || s.charAt(r) == '-')) {
                r++;
            }
            int digits = r;
            while (r < n && isDigit(s.charAt(r))) {
                r++;
            }
            if (r > digits) {
                exponent = s.substring(q + 1, r);
                q = r;
            }
        }
        String mantissa = s.substring(mantissaStart, mantissaEnd);
        double v;
        try {
            v = hex ? Double.parseDouble("0x" + mantissa + "p" + (exponent.isEmpty() ? "0" : exponent))
                    : Double.parseDouble(mantissa + (exponent.isEmpty() ? "" : "e" + exponent));
        } catch (NumberFormatException ex) {
            return new Strtod(0, 0, false);
        }
        boolean erange = Double.isInfinite(v) || nonZero && Math.abs(v) < Double.MIN_NORMAL;
        return new Strtod(neg ? -v : v, q, erange);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean hexDigit(char c) {
        return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
