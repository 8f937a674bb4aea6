package io.slotway.source.h2;

import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import java.nio.charset.StandardCharsets;

/**
 * Which values of a row PostgreSQL 15 would store out of line (TOAST), so that an UPDATE that leaves them
 * unchanged can show them as {@code unchanged-toast-datum}, as logical decoding does.
 *
 * <p>The rule is PostgreSQL's {@code heap_toast_insert_or_update} for 8 kB pages: nothing is toasted unless
 * the tuple is larger than {@value #THRESHOLD} bytes; then, largest first, values of extended-storage types
 * (text, varchar, bpchar, bytea, json, jsonb, arrays) are compressed with pglz (kept compressed only if
 * that saves at least 25%, as {@code PGLZ_strategy_default} demands) and moved out of line when a value
 * alone is still larger than the space left; if the tuple is still too large, the largest remaining
 * values are moved out of line. Sizes are PostgreSQL's on-disk sizes (1- or 4-byte varlena headers, fixed
 * widths), without alignment padding. Compressibility is {@link #pglzSize}, written for Slotway from the
 * facts of pglz's format and default strategy.
 */
final class Toast {
    /** TOAST_TUPLE_THRESHOLD and TOAST_TUPLE_TARGET for 8 kB blocks. */
    static final int THRESHOLD = 2032;
    /** MAXALIGN(TOAST_POINTER_SIZE): values no larger than a TOAST pointer are never moved. */
    private static final int POINTER = 24;
    private static final int EXTERNAL_SIZE = 18;

    private Toast() {}

    /** For each value, whether PostgreSQL would keep it out of line in a row holding {@code values}. */
    static boolean[] external(ColumnType[] types, Object[] values) {
        int n = values.length;
        boolean[] ext = new boolean[n];
        int[] size = new int[n];
        boolean[] extended = new boolean[n];
        boolean[] compressed = new boolean[n];
        boolean[] incompressible = new boolean[n];
        byte[][] data = new byte[n][];
        boolean nulls = false;
        int total = 0;
        for (int i = 0; i < n; i++) {
            Object v = values[i];
            if (v == null) {
                nulls = true;
                continue;
            }
            PgType t = types[i].type();
            if (t.length() > 0 && !t.isArray()) {
                size[i] = t.length();
            } else {
                data[i] = bytes(types[i], v);
                int len = data[i].length;
                size[i] = len + (len + 1 <= 127 ? 1 : 4);
                extended[i] = t != PgType.NUMERIC;
            }
            total += size[i];
        }
        int hoff = ((23 + (nulls ? (n + 7) / 8 : 0)) + 7) & ~7;
        if (hoff + total <= THRESHOLD) {
            return ext;
        }
        int maxData = THRESHOLD - hoff;
        while (total > maxData) {
            int big = biggest(size, extended, ext, i -> !compressed[i] && !incompressible[i]);
            if (big < 0) {
                break;
            }
            int c = data[big].length >= 32 ? pglzSize(data[big]) : -1;
            if (c >= 0 && c + 4 < data[big].length + 4 - 2) {
                total -= size[big] - (c + 4);
                size[big] = c + 4;
                compressed[big] = true;
            } else {
                incompressible[big] = true;
            }
            if (size[big] > maxData) {
                total -= size[big] - EXTERNAL_SIZE;
                size[big] = EXTERNAL_SIZE;
                ext[big] = true;
            }
        }
        while (total > maxData) {
            int big = biggest(size, extended, ext, i -> true);
            if (big < 0) {
                break;
            }
            total -= size[big] - EXTERNAL_SIZE;
            size[big] = EXTERNAL_SIZE;
            ext[big] = true;
        }
        return ext;
    }

    private static int biggest(int[] size, boolean[] extended, boolean[] ext, java.util.function.IntPredicate ok) {
        int best = -1;
        int bestSize = POINTER;
        for (int i = 0; i < size.length; i++) {
            if (extended[i] && !ext[i] && ok.test(i) && size[i] > bestSize) {
                best = i;
                bestSize = size[i];
            }
        }
        return best;
    }

    /** The bytes PostgreSQL keeps for a variable-length value. */
    private static byte[] bytes(ColumnType type, Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return PgValues.toBinary(type.type(), v);
        } catch (RuntimeException e) {
            return String.valueOf(v).getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------------------------------------- pglz

    /** pglz's format: offsets reach 4095 bytes back; a match is 3 to 273 bytes long. */
    private static final int WINDOW = 4095;
    private static final int MIN_MATCH = 3;
    private static final int MAX_MATCH = 273;

    /**
     * About how many bytes pglz's format needs for {@code src} under PostgreSQL's default strategy, or -1 when
     * that strategy would not store it compressed. Facts of the format and of {@code PGLZ_strategy_default}:
     * every eight items share a control byte; a literal is one byte, a match a 2-byte tag (lengths up to 17)
     * or 3-byte tag (up to 273) reaching at most 4095 bytes back; inputs under 32 bytes are not compressed;
     * the result must save 25%; compression gives up when the first 1024 output bytes hold no match; a
     * match search is satisfied by 128 bytes, lowering that bar by 10% for each candidate tried. Matches are
     * found greedily through chains of earlier positions sharing their first three bytes, so sizes can
     * differ from pglz's by a little on inputs near the 25% bar; whether a value is compressible, which is
     * all TOAST needs, comes out the same for the values that matter (long repetitive or random text).
     */
    static int pglzSize(byte[] src) {
        int n = src.length;
        if (n < 32) {
            return -1;
        }
        int limit = n - n / 4;
        int[] last = new int[1 << 12];
        java.util.Arrays.fill(last, -1);
        int[] earlier = new int[n];
        int out = 0;
        int items = 0;
        boolean matched = false;
        int p = 0;
        while (p < n) {
            if (out >= limit || (!matched && out >= 1024)) {
                return -1;
            }
            int best = 0;
            if (p + MIN_MATCH <= n) {
                int enough = 128;
                for (int c = last[key(src, p)]; c >= 0 && p - c <= WINDOW; c = earlier[c]) {
                    int len = 0;
                    while (len < MAX_MATCH && p + len < n && src[c + len] == src[p + len]) {
                        len++;
                    }
                    best = Math.max(best, len);
                    if (best >= enough) {
                        break;
                    }
                    enough -= enough / 10;
                }
            }
            int step = best >= MIN_MATCH ? best : 1;
            out += (items++ % 8 == 0 ? 1 : 0) + (step == 1 ? 1 : best > 17 ? 3 : 2);
            matched |= step > 1;
            for (int k = 0; k < step; k++, p++) {
                if (p + MIN_MATCH <= n) {
                    int h = key(src, p);
                    earlier[p] = last[h];
                    last[h] = p;
                }
            }
        }
        return out >= limit ? -1 : out;
    }

    /** A bucket for the three bytes at {@code p}. */
    private static int key(byte[] s, int p) {
        return ((s[p] & 0xff) * 961 + (s[p + 1] & 0xff) * 31 + (s[p + 2] & 0xff)) & 0xfff;
    }
}
