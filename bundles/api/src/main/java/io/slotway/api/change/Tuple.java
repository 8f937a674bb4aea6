package io.slotway.api.change;

import java.util.Arrays;

/**
 * Column values in attribute order, each canonical (see {@code io.slotway.api.types.PgValues}), null
 * for SQL NULL, or {@link #UNCHANGED_TOAST} where PostgreSQL would not have logged a large value that
 * an UPDATE left unchanged. An old key tuple holds values only in key columns (null elsewhere).
 */
public final class Tuple {
    /** Marks a value PostgreSQL would log as an unchanged TOAST datum. */
    public static final Object UNCHANGED_TOAST = new Object() {
        @Override
        public String toString() {
            return "unchanged-toast-datum";
        }
    };

    private final Object[] values;

    public Tuple(Object... values) {
        this.values = values.clone();
    }

    public int size() {
        return values.length;
    }

    public Object get(int i) {
        return values[i];
    }

    public Object[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuple t && Arrays.deepEquals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
