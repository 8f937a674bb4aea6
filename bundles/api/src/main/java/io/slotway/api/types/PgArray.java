package io.slotway.api.types;

import java.util.Arrays;
import java.util.Objects;

/**
 * A PostgreSQL array value: its dimensions, their lower bounds, and the elements in row-major order
 * (each element in the canonical form of the element type, or null). A zero-dimensional array is the
 * empty array {@code {}}.
 */
public final class PgArray {
    private final int[] dimensions;
    private final int[] lowerBounds;
    private final Object[] elements;

    public PgArray(int[] dimensions, int[] lowerBounds, Object[] elements) {
        this.dimensions = dimensions.clone();
        this.lowerBounds = lowerBounds.clone();
        this.elements = elements.clone();
        if (dimensions.length != lowerBounds.length) {
            throw new IllegalArgumentException("dimensions and lower bounds differ in length");
        }
        long n = dimensions.length == 0 ? 0 : 1;
        for (int d : dimensions) {
            n *= d;
        }
        if (n != elements.length) {
            throw new IllegalArgumentException("array has " + elements.length + " elements, dimensions say " + n);
        }
    }

    /** A one-dimensional array with lower bound 1 (or the empty array when there are no elements). */
    public static PgArray of(Object... elements) {
        if (elements.length == 0) {
            return new PgArray(new int[0], new int[0], elements);
        }
        return new PgArray(new int[] {elements.length}, new int[] {1}, elements);
    }

    public int[] dimensions() { return dimensions.clone(); }
    public int[] lowerBounds() { return lowerBounds.clone(); }
    public Object[] elements() { return elements.clone(); }
    public int size() { return elements.length; }
    public Object element(int i) { return elements[i]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgArray a && Arrays.equals(dimensions, a.dimensions)
                && Arrays.equals(lowerBounds, a.lowerBounds) && Arrays.deepEquals(elements, a.elements);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(dimensions), Arrays.hashCode(lowerBounds), Arrays.deepHashCode(elements));
    }

    @Override
    public String toString() {
        return "PgArray" + Arrays.toString(dimensions) + Arrays.deepToString(elements);
    }
}
