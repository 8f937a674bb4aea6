package io.slotway.api.types;

/**
 * A value of an OID alias type ({@code regclass}, {@code regtype}, {@code regproc}, {@code regnamespace}) as a
 * catalog query answers it: the OID, sent in binary, and the name its output function prints (which depends on
 * the session's {@code search_path}, so it is computed where the query runs). A {@link Number}, so everything
 * that takes a reg* value as its OID (a plain {@code Long}) keeps working.
 */
public final class PgRegValue extends Number {
    private static final long serialVersionUID = 1L;
    private final long oid;
    private final String text;

    public PgRegValue(long oid, String text) {
        this.oid = oid;
        this.text = text;
    }

    public long oid() {
        return oid;
    }

    @Override
    public long longValue() {
        return oid;
    }

    @Override
    public int intValue() {
        return (int) oid;
    }

    @Override
    public float floatValue() {
        return oid;
    }

    @Override
    public double doubleValue() {
        return oid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgRegValue r && r.oid == oid && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(oid) * 31 + text.hashCode();
    }

    /** The output function's text: the object's name as the session sees it. */
    @Override
    public String toString() {
        return text;
    }
}
