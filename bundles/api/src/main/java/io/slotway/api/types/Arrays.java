package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.util.ArrayList;
import java.util.List;

/** Arrays' text form: braces, quoting, NULLs, dimension decoration. */
final class Arrays {
    private Arrays() {}

    static final int MAXDIM = 6;

    static String output(PgType elementType, PgArray a, SessionFormat f) {
        int[] dims = a.dimensions();
        int[] lbs = a.lowerBounds();
        if (dims.length == 0) return "{}";
        StringBuilder sb = new StringBuilder();
        boolean decorate = false;
        for (int lb : lbs) decorate |= lb != 1;
        if (decorate) {
            for (int i = 0; i < dims.length; i++) {
                sb.append('[').append(lbs[i]).append(':').append(lbs[i] + dims[i] - 1).append(']');
            }
            sb.append('=');
        }
        int[] idx = {0};
        level(sb, elementType, a, dims, 0, idx, f);
        return sb.toString();
    }

    private static void level(StringBuilder sb, PgType et, PgArray a, int[] dims, int d, int[] idx, SessionFormat f) {
        sb.append('{');
        for (int i = 0; i < dims[d]; i++) {
            if (i > 0) sb.append(',');
            if (d + 1 < dims.length) {
                level(sb, et, a, dims, d + 1, idx, f);
            } else {
                Object e = a.element(idx[0]++);
                if (e == null) {
                    sb.append("NULL");
                } else {
                    quote(sb, PgTextCodec.output(et, e, f));
                }
            }
        }
        sb.append('}');
    }

    private static void quote(StringBuilder sb, String s) {
        boolean q = s.isEmpty() || s.equalsIgnoreCase("NULL");
        for (int i = 0; !q && i < s.length(); i++) {
            char c = s.charAt(i);
            q = c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || PgTextCodec.isSpace(c);
        }
        if (!q) {
            sb.append(s);
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        sb.append('"');
    }

    // ---------------- input ----------------

    static PgArray input(PgType arrayType, int typmod, String text, SessionFormat f) throws PgException {
        PgType et = arrayType.elementType();
        String s = text;
        int p = 0;
        int n = s.length();
        while (p < n && PgTextCodec.isSpace(s.charAt(p))) p++;
        int[] givenDims = null;
        int[] givenLbs = null;
        if (p < n && s.charAt(p) == '[') {
            List<int[]> decl = new ArrayList<>();
            while (p < n && s.charAt(p) == '[') {
                int close = s.indexOf(']', p);
                if (close < 0) throw malformed(text, "Missing \"]\" in array dimensions.");
                String in = s.substring(p + 1, close).strip();
                int colon = in.indexOf(':');
                int lb = 1;
                int ub;
                try {
                    if (colon >= 0) {
                        lb = Integer.parseInt(in.substring(0, colon).strip());
                        ub = Integer.parseInt(in.substring(colon + 1).strip());
                    } else {
                        ub = Integer.parseInt(in);
                    }
                } catch (NumberFormatException e) {
                    throw malformed(text, "\"[\" must introduce explicitly-specified array dimensions.");
                }
                if (ub < lb) {
                    throw new PgException(SqlState.INVALID_TEXT_REPRESENTATION, "upper bound cannot be less than lower bound");
                }
                decl.add(new int[] {lb, ub});
                p = close + 1;
                while (p < n && PgTextCodec.isSpace(s.charAt(p))) p++;
            }
            if (p >= n || s.charAt(p) != '=') throw malformed(text, "Missing \"=\" after array dimensions.");
            p++;
            while (p < n && PgTextCodec.isSpace(s.charAt(p))) p++;
            givenDims = new int[decl.size()];
            givenLbs = new int[decl.size()];
            for (int i = 0; i < decl.size(); i++) {
                givenLbs[i] = decl.get(i)[0];
                givenDims[i] = decl.get(i)[1] - decl.get(i)[0] + 1;
            }
        }
        if (p >= n || s.charAt(p) != '{') {
            throw malformed(text, "Array value must start with \"{\" or dimension information.");
        }
        Parser parser = new Parser(s, p, text);
        Object tree = parser.value(0);
        p = parser.pos;
        while (p < n && PgTextCodec.isSpace(s.charAt(p))) p++;
        if (p != n) throw malformed(text, "Junk after closing right brace.");
        // flatten and check rectangularity
        List<Integer> dims = new ArrayList<>();
        shape(tree, 0, dims, text);
        List<Object> raw = new ArrayList<>();
        flatten(tree, raw);
        if (raw.isEmpty() && dims.size() == 1 && dims.get(0) == 0) {
            if (givenDims != null && givenDims.length > 0) {
                // PG accepts "[1:0]={}"-style only for zero-size; keep it simple
                throw malformed(text, "Specified array dimensions do not match array contents.");
            }
            return PgArray.of();
        }
        int[] d = dims.stream().mapToInt(Integer::intValue).toArray();
        if (d.length > MAXDIM) {
            throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "number of array dimensions (" + d.length + ") exceeds the maximum allowed (" + MAXDIM + ")");
        }
        int[] lbs = new int[d.length];
        java.util.Arrays.fill(lbs, 1);
        if (givenDims != null) {
            if (!java.util.Arrays.equals(givenDims, d)) {
                throw malformed(text, "Specified array dimensions do not match array contents.");
            }
            lbs = givenLbs;
        }
        Object[] elements = new Object[raw.size()];
        for (int i = 0; i < elements.length; i++) {
            Object r = raw.get(i);
            elements[i] = r == null ? null : PgTextCodec.input(et, typmod, (String) r, f);
        }
        return new PgArray(d, lbs, elements);
    }

    private static void shape(Object tree, int depth, List<Integer> dims, String text) throws PgException {
        if (!(tree instanceof List<?> l)) return;
        if (dims.size() <= depth) {
            dims.add(l.size());
        } else if (dims.get(depth) != l.size()) {
            throw malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.");
        }
        boolean sub = !l.isEmpty() && l.get(0) instanceof List;
        for (Object o : l) {
            if ((o instanceof List) != sub) {
                throw malformed(text, sub ? "Unexpected array element." : "Unexpected \"{\" character.");
            }
            if (sub) {
                shape(o, depth + 1, dims, text);
            }
        }
        if (sub && l.size() > 0 && dims.size() > depth + 1 && dims.get(depth + 1) == 0) {
            throw malformed(text, "Multidimensional arrays must have sub-arrays with matching dimensions.");
        }
    }

    private static void flatten(Object tree, List<Object> out) {
        if (tree instanceof List<?> l) {
            for (Object o : l) flatten(o, out);
        } else {
            out.add(tree instanceof Elem e ? e.value : null);
        }
    }

    /** An element's text (null value = SQL NULL). */
    private record Elem(String value) {}

    private static final class Parser {
        final String s;
        final String text;
        int pos;

        Parser(String s, int pos, String text) {
            this.s = s;
            this.pos = pos;
            this.text = text;
        }

        /** At '{': parses to the matching '}' into a List of Elem or nested Lists. */
        Object value(int depth) throws PgException {
            if (depth >= MAXDIM) {
                throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                        "number of array dimensions (" + (depth + 1) + ") exceeds the maximum allowed (" + MAXDIM + ")");
            }
            pos++; // '{'
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return items;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length()) throw malformed(text, "Unexpected end of input.");
                char c = s.charAt(pos);
                if (c == '{') {
                    items.add(value(depth + 1));
                } else if (c == '}' || c == ',') {
                    throw malformed(text, "Unexpected \"" + c + "\" character.");
                } else {
                    items.add(element());
                }
                skipSpace();
                if (pos >= s.length()) throw malformed(text, "Unexpected end of input.");
                c = s.charAt(pos);
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return items;
                } else {
                    throw malformed(text, "Expected \",\" or \"}\" character.");
                }
            }
        }

        private Elem element() throws PgException {
            StringBuilder sb = new StringBuilder();
            boolean quoted = false;
            boolean anyQuoted = false;
            boolean escaped = false;
            int lastSignificant = 0; // length of sb up to the last non-blank or quoted/escaped char
            while (true) {
                if (pos >= s.length()) throw malformed(text, "Unexpected end of input.");
                char c = s.charAt(pos);
                if (quoted) {
                    if (c == '\\') {
                        pos++;
                        if (pos >= s.length()) throw malformed(text, "Unexpected end of input.");
                        sb.append(s.charAt(pos++));
                    } else if (c == '"') {
                        quoted = false;
                        pos++;
                    } else {
                        sb.append(c);
                        pos++;
                    }
                    lastSignificant = sb.length();
                } else {
                    if (c == ',' || c == '}') break;
                    if (c == '{') throw malformed(text, "Unexpected \"{\" character.");
                    if (c == '"') {
                        if (anyQuoted || sb.length() > 0) throw malformed(text, "Unexpected array element.");
                        quoted = true;
                        anyQuoted = true;
                        pos++;
                    } else if (c == '\\') {
                        pos++;
                        if (pos >= s.length()) throw malformed(text, "Unexpected end of input.");
                        sb.append(s.charAt(pos++));
                        lastSignificant = sb.length();
                        escaped = true;
                    } else if (PgTextCodec.isSpace(c)) {
                        if (sb.length() > 0 || anyQuoted) sb.append(c);
                        pos++;
                    } else {
                        if (anyQuoted) throw malformed(text, "Unexpected array element.");
                        sb.append(c);
                        lastSignificant = sb.length();
                        pos++;
                    }
                }
            }
            String v = sb.substring(0, lastSignificant);
            if (!anyQuoted && !escaped && v.equalsIgnoreCase("NULL")) {
                return new Elem(null);
            }
            return new Elem(v);
        }

        private void skipSpace() {
            while (pos < s.length() && PgTextCodec.isSpace(s.charAt(pos))) pos++;
        }
    }

    static PgException malformed(String text, String detail) {
        return new PgException(SqlState.INVALID_TEXT_REPRESENTATION, "malformed array literal: \"" + text + "\"")
                .withDetail(detail);
    }
}
