package io.slotway.api.types;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time zone abbreviations as the IANA database spells them (LMT, CEST, -03, ...), which is what
 * PostgreSQL prints in the SQL, Postgres and German DateStyles. Read from the system's compiled tzdata
 * (TZif files); Java's own short names are only a fallback, as they differ for many zones.
 */
final class ZoneAbbreviations {
    private ZoneAbbreviations() {}

    private static final Path ZONEINFO = Paths.get("/usr/share/zoneinfo");
    private static final Map<String, Tz> CACHE = new ConcurrentHashMap<>();

    private record Tz(long[] times, int[] typeOf, int[] utoff, boolean[] dst, String[] abbrev) {}

    /** The abbreviation in effect at {@code at} in {@code zone}, or null when there is none (a bare offset). */
    static String abbreviation(ZoneId zone, Instant at) {
        if (zone instanceof ZoneOffset) {
            return null;
        }
        Tz tz = CACHE.computeIfAbsent(zone.getId(), ZoneAbbreviations::load);
        int offset = zone.getRules().getOffset(at).getTotalSeconds();
        if (tz == null || tz.abbrev.length == 0) {
            boolean dst = zone.getRules().isDaylightSavings(at);
            return java.util.TimeZone.getTimeZone(zone).getDisplayName(dst, java.util.TimeZone.SHORT, Locale.ROOT);
        }
        long t = at.getEpochSecond();
        int n = tz.times.length;
        if (n == 0 || t < tz.times[0]) {
            // before the first transition: the first standard-time type (often LMT)
            for (int i = 0; i < tz.utoff.length; i++) {
                if (tz.utoff[i] == offset) return tz.abbrev[i];
            }
            return tz.abbrev[0];
        }
        if (t < tz.times[n - 1]) {
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (tz.times[mid] <= t) lo = mid; else hi = mid - 1;
            }
            return tz.abbrev[tz.typeOf[lo]];
        }
        boolean dst = zone.getRules().isDaylightSavings(at);
        for (int i = n - 1; i >= 0; i--) {
            int ty = tz.typeOf[i];
            if (tz.utoff[ty] == offset && tz.dst[ty] == dst) return tz.abbrev[ty];
        }
        for (int i = 0; i < tz.utoff.length; i++) {
            if (tz.utoff[i] == offset) return tz.abbrev[i];
        }
        return zone.getDisplayName(TextStyle.SHORT, Locale.ROOT);
    }

    private static Tz load(String id) {
        Path p = ZONEINFO.resolve(id).normalize();
        if (!p.startsWith(ZONEINFO) || !Files.isRegularFile(p)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(raw)) {
            int[] h = header(in);
            if (h == null) return null;
            int version = h[6];
            if (version >= '2') {
                // skip the 32-bit block, then read the 64-bit one
                long skip = h[3] * 5L + h[4] * 6L + h[5] + h[2] * 8L + h[1] + h[0];
                in.skipNBytes(skip);
                h = header(in);
                if (h == null) return null;
                return body(in, h, 8);
            }
            return body(in, h, 4);
        } catch (IOException e) {
            return null;
        }
    }

    /** isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt, version. */
    private static int[] header(DataInputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("TZif")) return null;
        int version = in.readUnsignedByte();
        in.skipNBytes(15);
        int[] h = new int[7];
        for (int i = 0; i < 6; i++) h[i] = in.readInt();
        h[6] = version;
        return h;
    }

    private static Tz body(DataInputStream in, int[] h, int timeSize) throws IOException {
        int timecnt = h[3];
        int typecnt = h[4];
        int charcnt = h[5];
        long[] times = new long[timecnt];
        for (int i = 0; i < timecnt; i++) times[i] = timeSize == 8 ? in.readLong() : in.readInt();
        int[] typeOf = new int[timecnt];
        for (int i = 0; i < timecnt; i++) typeOf[i] = in.readUnsignedByte();
        int[] utoff = new int[typecnt];
        boolean[] dst = new boolean[typecnt];
        int[] idx = new int[typecnt];
        for (int i = 0; i < typecnt; i++) {
            utoff[i] = in.readInt();
            dst[i] = in.readUnsignedByte() != 0;
            idx[i] = in.readUnsignedByte();
        }
        byte[] chars = in.readNBytes(charcnt);
        String[] abbrev = new String[typecnt];
        for (int i = 0; i < typecnt; i++) {
            int end = idx[i];
            while (end < chars.length && chars[end] != 0) end++;
            abbrev[i] = new String(chars, idx[i], end - idx[i], StandardCharsets.US_ASCII);
        }
        return new Tz(times, typeOf, utoff, dst, abbrev);
    }
}
