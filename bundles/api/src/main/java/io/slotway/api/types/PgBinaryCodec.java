package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Binary send and receive functions. Package-private: reached through {@link PgValues}. */
final class PgBinaryCodec {
    private PgBinaryCodec() {}

    private static final Instant PG_EPOCH_INSTANT = DateTimes.PG_EPOCH_TS.toInstant(ZoneOffset.UTC);

    static byte[] send(PgType type, Object value) {
        if (value == null) {
            return null;
        }
        if (type.isArray()) {
            return sendArray(type.elementType(), (PgArray) value);
        }
        switch (type.name()) {
            case "bool":
                return new byte[] {(byte) (((Boolean) value) ? 1 : 0)};
            case "int2":
                return ByteBuffer.allocate(2).putShort(((Number) value).shortValue()).array();
            case "int4":
                return ByteBuffer.allocate(4).putInt(((Number) value).intValue()).array();
            case "int8": case "pg_lsn":
                return ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
            case "int2vector":
                return sendVector(PgType.INT2, value.toString());
            case "oidvector":
                return sendVector(PgType.OID, value.toString());
            case "oid": case "xid": case "regclass": case "regtype": case "regproc": case "regnamespace":
                return ByteBuffer.allocate(4).putInt((int) ((Number) value).longValue()).array();
            case "float4":
                return ByteBuffer.allocate(4).putFloat(((Number) value).floatValue()).array();
            case "float8":
                return ByteBuffer.allocate(8).putDouble(((Number) value).doubleValue()).array();
            case "numeric":
                return Numerics.send(value);
            case "bytea":
                return ((byte[]) value).clone();
            case "inet":
                return Inets.send(value.toString());
            case "uuid": {
                UUID u = (UUID) value;
                return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
            }
            case "date":
                return ByteBuffer.allocate(4).putInt(dateToDays((LocalDate) value)).array();
            case "time":
                return ByteBuffer.allocate(8).putLong(DateTimes.microsOfDay((LocalTime) value)).array();
            case "timetz": {
                OffsetTime t = (OffsetTime) value;
                return ByteBuffer.allocate(12).putLong(DateTimes.microsOfDay(t.toLocalTime()))
                        .putInt(-t.getOffset().getTotalSeconds()).array();
            }
            case "timestamp":
                return ByteBuffer.allocate(8).putLong(timestampMicros((LocalDateTime) value)).array();
            case "timestamptz":
                return ByteBuffer.allocate(8).putLong(timestamptzMicros((Instant) value)).array();
            case "interval": {
                PgInterval i = (PgInterval) value;
                return ByteBuffer.allocate(16).putLong(i.micros()).putInt(i.days()).putInt(i.months()).array();
            }
            case "jsonb": {
                byte[] t = value.toString().getBytes(StandardCharsets.UTF_8);
                byte[] out = new byte[t.length + 1];
                out[0] = 1;
                System.arraycopy(t, 0, out, 1, t.length);
                return out;
            }
            default:
                return value.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    static int dateToDays(LocalDate d) {
        if (d.equals(LocalDate.MAX)) return Integer.MAX_VALUE;
        if (d.equals(LocalDate.MIN)) return Integer.MIN_VALUE;
        return (int) ChronoUnit.DAYS.between(DateTimes.PG_EPOCH, d);
    }

    static long timestampMicros(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) return Long.MAX_VALUE;
        if (t.equals(LocalDateTime.MIN)) return Long.MIN_VALUE;
        return ChronoUnit.MICROS.between(DateTimes.PG_EPOCH_TS, t);
    }

    static long timestamptzMicros(Instant i) {
        if (i.equals(Instant.MAX)) return Long.MAX_VALUE;
        if (i.equals(Instant.MIN)) return Long.MIN_VALUE;
        return (i.getEpochSecond() - PG_EPOCH_INSTANT.getEpochSecond()) * 1_000_000L + i.getNano() / 1000;
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(PG_EPOCH_INSTANT.getEpochSecond() + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** int2vector_send / oidvector_send: array_send of a one-dimensional array with lower bound 0. */
    private static byte[] sendVector(PgType et, String text) {
        String[] parts = text.isBlank() ? new String[0] : text.trim().split("\\s+");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(parts.length == 0 ? 12 : 20);
        head.putInt(parts.length == 0 ? 0 : 1).putInt(0).putInt(et.oid());
        if (parts.length > 0) {
            head.putInt(parts.length).putInt(0);
        }
        out.writeBytes(head.array());
        for (String p : parts) {
            byte[] b = et == PgType.INT2 ? ByteBuffer.allocate(2).putShort(Short.parseShort(p)).array()
                    : ByteBuffer.allocate(4).putInt((int) Long.parseLong(p)).array();
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] sendArray(PgType et, PgArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] dims = a.dimensions();
        int[] lbs = a.lowerBounds();
        boolean hasNull = false;
        for (Object e : a.elements()) hasNull |= e == null;
        ByteBuffer head = ByteBuffer.allocate(12 + 8 * dims.length);
        head.putInt(dims.length).putInt(hasNull ? 1 : 0).putInt(et.oid());
        for (int i = 0; i < dims.length; i++) head.putInt(dims[i]).putInt(lbs[i]);
        out.writeBytes(head.array());
        for (Object e : a.elements()) {
            if (e == null) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] b = send(et, e);
                out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }

    static Object receive(PgType type, int typmod, byte[] data) throws PgException {
        if (data == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            Object v = read(type, typmod, in);
            if (in.hasRemaining()) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "incorrect binary data format");
            }
            return v;
        } catch (BufferUnderflowException e) {
            throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
        }
    }

    private static Object read(PgType type, int typmod, ByteBuffer in) throws PgException {
        if (type.isArray()) {
            return readArray(type, typmod, in);
        }
        switch (type.name()) {
            case "bool":
                return in.get() != 0;
            case "int2":
                return in.getShort();
            case "int4":
                return in.getInt();
            case "int8": case "pg_lsn":
                return in.getLong();
            case "oid": case "xid": case "regclass": case "regtype": case "regproc": case "regnamespace":
                return in.getInt() & 0xFFFFFFFFL;
            case "float4":
                return in.getFloat();
            case "float8":
                return in.getDouble();
            case "numeric":
                return Numerics.receive(in, typmod);
            case "bytea":
                return rest(in);
            case "inet":
                return Inets.receive(in);
            case "uuid":
                return new UUID(in.getLong(), in.getLong());
            case "date": {
                int d = in.getInt();
                if (d == Integer.MAX_VALUE) return LocalDate.MAX;
                if (d == Integer.MIN_VALUE) return LocalDate.MIN;
                return DateTimes.PG_EPOCH.plusDays(d);
            }
            case "time": {
                long t = DateTimes.roundMicros(in.getLong(), typmod);
                if (t < 0 || t > 86_400_000_000L) {
                    throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "time out of range");
                }
                return DateTimes.fromMicrosOfDay(t);
            }
            case "timetz": {
                long t = DateTimes.roundMicros(in.getLong(), typmod);
                int zone = in.getInt();
                if (t < 0 || t > 86_400_000_000L) {
                    throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "time out of range");
                }
                if (zone < -15 * 3600 - 59 * 60 - 59 || zone > 15 * 3600 + 59 * 60 + 59) {
                    throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "time zone displacement out of range");
                }
                return OffsetTime.of(DateTimes.fromMicrosOfDay(t), ZoneOffset.ofTotalSeconds(-zone));
            }
            case "timestamp": {
                long t = in.getLong();
                if (t == Long.MAX_VALUE) return LocalDateTime.MAX;
                if (t == Long.MIN_VALUE) return LocalDateTime.MIN;
                return DateTimes.PG_EPOCH_TS.plus(DateTimes.roundMicros(t, typmod), ChronoUnit.MICROS);
            }
            case "timestamptz": {
                long t = in.getLong();
                if (t == Long.MAX_VALUE) return Instant.MAX;
                if (t == Long.MIN_VALUE) return Instant.MIN;
                return fromMicros(DateTimes.roundMicros(t, typmod));
            }
            case "interval": {
                long micros = in.getLong();
                int days = in.getInt();
                int months = in.getInt();
                return new PgInterval(months, days, micros);
            }
            case "json": {
                String s = utf8(rest(in));
                Jsons.validate(s);
                return s;
            }
            case "jsonb": {
                int version = in.get();
                if (version != 1) {
                    throw new PgException(SqlState.INTERNAL_ERROR, "unsupported jsonb version number " + version);
                }
                return Jsons.normalise(utf8(rest(in)));
            }
            case "varchar":
                return PgTextCodec.varchar(utf8(rest(in)), typmod);
            case "bpchar":
                return PgTextCodec.bpchar(utf8(rest(in)), typmod);
            case "name":
                return PgTextCodec.name(utf8(rest(in)));
            case "char":
                return in.hasRemaining() ? utf8(new byte[] {in.get()}) : "";
            default:
                return utf8(rest(in));
        }
    }

    private static PgArray readArray(PgType type, int typmod, ByteBuffer in) throws PgException {
        PgType et = type.elementType();
        int ndim = in.getInt();
        int flags = in.getInt();
        int elemOid = in.getInt();
        if (ndim < 0) {
            throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid number of dimensions: " + ndim);
        }
        if (ndim > Arrays.MAXDIM) {
            throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "number of array dimensions (" + ndim + ") exceeds the maximum allowed (" + Arrays.MAXDIM + ")");
        }
        if (flags != 0 && flags != 1) {
            throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid array flags");
        }
        if (elemOid != et.oid()) {
            PgType got = PgType.byOid(elemOid);
            throw new PgException(SqlState.DATATYPE_MISMATCH, "binary data has array element type " + (elemOid & 0xFFFFFFFFL)
                    + " (" + (got == null ? "unknown" : got.name()) + ") instead of expected " + et.oid() + " (" + et.name() + ")");
        }
        int[] dims = new int[ndim];
        int[] lbs = new int[ndim];
        long n = ndim == 0 ? 0 : 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = in.getInt();
            lbs[i] = in.getInt();
            if (dims[i] < 0) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "invalid array dimensions");
            }
            n *= dims[i];
            if (n > in.remaining() / 4 + 1) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
            }
        }
        if (n == 0) {
            return PgArray.of();
        }
        Object[] elements = new Object[(int) n];
        for (int i = 0; i < n; i++) {
            int len = in.getInt();
            if (len == -1) {
                continue;
            }
            if (len < -1 || len > in.remaining()) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
            }
            ByteBuffer slice = in.slice(in.position(), len);
            in.position(in.position() + len);
            try {
                elements[i] = read(et, typmod, slice);
            } catch (BufferUnderflowException e) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "insufficient data left in message");
            }
            if (slice.hasRemaining()) {
                throw new PgException(SqlState.INVALID_BINARY_REPRESENTATION, "improper binary format in array element " + (i + 1));
            }
        }
        return new PgArray(dims, lbs, elements);
    }

    private static byte[] rest(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return b;
    }

    private static String utf8(byte[] b) throws PgException {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            String s = c.toString();
            if (s.indexOf('\0') >= 0) {
                throw new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": 0x00");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\"");
        }
    }

}
