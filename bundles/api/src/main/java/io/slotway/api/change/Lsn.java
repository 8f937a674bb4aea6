package io.slotway.api.change;

/**
 * A log sequence number: a byte position in Slotway's WAL, printed as PostgreSQL prints one
 * ({@code 16/3002D50}: the high and low 32 bits in upper-case hex). {@code 0/0} is invalid.
 */
public final class Lsn implements Comparable<Lsn> {
    public static final Lsn INVALID = new Lsn(0);

    private final long value;

    private Lsn(long value) {
        this.value = value;
    }

    public static Lsn of(long value) {
        return value == 0 ? INVALID : new Lsn(value);
    }

    /** Parses {@code X/X}; throws IllegalArgumentException for anything else. */
    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("invalid LSN: " + text);
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("invalid LSN: " + text);
            }
            return of((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid LSN: " + text, e);
        }
    }

    public long value() {
        return value;
    }

    public boolean isValid() {
        return value != 0;
    }

    public Lsn plus(long bytes) {
        return of(value + bytes);
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    public boolean isBefore(Lsn o) {
        return compareTo(o) < 0;
    }

    public boolean isAfter(Lsn o) {
        return compareTo(o) > 0;
    }

    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn l && l.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
