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
 * widths), without alignment padding. The compression is {@link #pglzSize}, a port of
 * {@code pglz_compress}'s matching loop.
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

    private static final int HISTORY_SIZE = 4096;
    private static final int MAX_MATCH = 273;
    private static final int MAX_OFFSET = 0x0fff;

    /**
     * The size {@code pglz_compress} with {@code PGLZ_strategy_default} would produce for {@code src}, or -1
     * when it gives up (input under 32 bytes, no match within the first 1024 output bytes, or less than 25%
     * saved).
     */
    static int pglzSize(byte[] src) {
        int slen = src.length;
        if (slen < 32) {
            return -1;
        }
        long resultMax = (long) slen * 75 / 100;
        int hashSize = slen < 128 ? 512 : slen < 256 ? 1024 : slen < 512 ? 2048 : slen < 1024 ? 4096 : 8192;
        int mask = hashSize - 1;
        int[] histStart = new int[hashSize];
        // entries 1..HISTORY_SIZE; 0 means none
        int[] next = new int[HISTORY_SIZE + 1];
        int[] prev = new int[HISTORY_SIZE + 1];
        int[] hindex = new int[HISTORY_SIZE + 1];
        int[] pos = new int[HISTORY_SIZE + 1];
        int histNext = 1;
        boolean recycle = false;
        int out = 0;
        int ctrlItems = 0;
        boolean found = false;
        int dp = 0;
        while (dp < slen) {
            if (out >= resultMax) {
                return -1;
            }
            if (!found && out >= 1024) {
                return -1;
            }
            // find match
            int matchLen = 0;
            int goodMatch = 128;
            int h = histStart[hashIndex(src, dp, mask)];
            while (h != 0) {
                int hp = pos[h];
                int off = dp - hp;
                if (off >= MAX_OFFSET) {
                    break;
                }
                int len = 0;
                while (dp + len < slen && src[dp + len] == src[hp + len] && len < MAX_MATCH) {
                    len++;
                }
                if (len > matchLen) {
                    matchLen = len;
                }
                h = next[h];
                if (h != 0) {
                    if (matchLen >= goodMatch) {
                        break;
                    }
                    goodMatch -= goodMatch * 10 / 100;
                }
            }
            int advance;
            if (matchLen > 2) {
                if (ctrlItems % 8 == 0) {
                    out++;
                }
                ctrlItems++;
                out += matchLen > 17 ? 3 : 2;
                advance = matchLen;
                found = true;
            } else {
                if (ctrlItems % 8 == 0) {
                    out++;
                }
                ctrlItems++;
                out++;
                advance = 1;
            }
            for (int k = 0; k < advance; k++) {
                int hi = hashIndex(src, dp, mask);
                int e = histNext;
                if (recycle) {
                    // unlink the recycled entry from its list
                    if (prev[e] == 0) {
                        histStart[hindex[e]] = next[e];
                    } else {
                        next[prev[e]] = next[e];
                    }
                    if (next[e] != 0) {
                        prev[next[e]] = prev[e];
                    }
                }
                next[e] = histStart[hi];
                if (next[e] != 0) {
                    prev[next[e]] = e;
                }
                prev[e] = 0;
                hindex[e] = hi;
                pos[e] = dp;
                histStart[hi] = e;
                if (++histNext > HISTORY_SIZE) {
                    histNext = 1;
                    recycle = true;
                }
                dp++;
            }
        }
        if (out >= resultMax) {
            return -1;
        }
        return out;
    }

    private static int hashIndex(byte[] s, int p, int mask) {
        if (s.length - p < 4) {
            return (s[p] & 0xff) & mask;
        }
        return (((s[p] & 0xff) << 6) ^ ((s[p + 1] & 0xff) << 4) ^ ((s[p + 2] & 0xff) << 2) ^ (s[p + 3] & 0xff)) & mask;
    }
}
