package io.slotway.api.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/** json validation and jsonb's normalised text form. */
final class Jsons {
    private Jsons() {}

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    static void validate(String text) throws PgException {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) throw invalid(null);
            p.skipChildren();
            if (p.nextToken() != null) throw invalid(null);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    static String normalise(String text) throws PgException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw invalid(null);
            StringBuilder sb = new StringBuilder(text.length());
            write(read(p, t), sb);
            if (p.nextToken() != null) throw invalid(null);
            return sb.toString();
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    private static PgException invalid(Exception cause) {
        return new PgException(SqlState.INVALID_JSON_TEXT, "invalid input syntax for type json", cause);
    }

    /** A parsed value: String (string), Raw (number/true/false/null), List (array), TreeMap (object). */
    private record Raw(String text) {}

    private static final java.util.Comparator<byte[]> KEY_ORDER = (a, b) ->
            a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compareUnsigned(a, b);

    private static Object read(JsonParser p, JsonToken t) throws IOException, PgException {
        switch (t) {
            case START_OBJECT: {
                TreeMap<byte[], Object[]> m = new TreeMap<>(KEY_ORDER);
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    checkString(key);
                    Object v = read(p, p.nextToken());
                    m.put(key.getBytes(StandardCharsets.UTF_8), new Object[] {key, v});
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) l.add(read(p, t));
                return l;
            }
            case VALUE_STRING:
                checkString(p.getText());
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: {
                BigDecimal b = new BigDecimal(p.getText());
                if (b.scale() < 0) b = b.setScale(0);
                return new Raw(b.toPlainString());
            }
            case VALUE_TRUE: return new Raw("true");
            case VALUE_FALSE: return new Raw("false");
            case VALUE_NULL: return new Raw("null");
            default: throw invalid(null);
        }
    }

    private static void checkString(String s) throws PgException {
        if (s.indexOf('\0') >= 0) {
            throw new PgException(SqlState.CHARACTER_NOT_IN_REPERTOIRE.equals("22021") ? "22P05" : "22P05",
                    "unsupported Unicode escape sequence").withDetail("\\u0000 cannot be converted to text.");
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(Object v, StringBuilder sb) {
        if (v instanceof String s) {
            escape(s, sb);
        } else if (v instanceof Raw r) {
            sb.append(r.text());
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                write(l.get(i), sb);
            }
            sb.append(']');
        } else {
            TreeMap<byte[], Object[]> m = (TreeMap<byte[], Object[]>) v;
            sb.append('{');
            boolean first = true;
            for (Object[] kv : m.values()) {
                if (!first) sb.append(", ");
                first = false;
                escape((String) kv[0], sb);
                sb.append(": ");
                write(kv[1], sb);
            }
            sb.append('}');
        }
    }

    /** PostgreSQL's escape_json. */
    static void escape(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                default:
                    if (c < ' ') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
