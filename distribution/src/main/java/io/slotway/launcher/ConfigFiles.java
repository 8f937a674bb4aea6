package io.slotway.launcher;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads {@code <conf>/*.cfg}: one file per configuration PID ({@code io.slotway.server.cfg} is
 * PID {@code io.slotway.server}). Each line is {@code key = value} (split at the first
 * {@code =}, both sides trimmed); lines starting with {@code #} or {@code !} and blank lines are
 * ignored; there are no escapes or continuation lines. A value may use
 * {@code ${name}}, replaced by the framework property (or else system property) of that name.
 * A key may carry a type the way the OSGi Configurator does, {@code port:Integer = 5433}; the
 * types are String (the default), Integer, Long, Boolean, Double, and arrays of them
 * ({@code hosts:String[] = a, b}, split at commas).
 *
 * <p>Public so that the itests configure their framework from the same files, read the same way.
 */
public final class ConfigFiles {

    public static final String SUFFIX = ".cfg";

    private ConfigFiles() {
    }

    /** PID to properties, in PID order; an absent directory has none. */
    public static Map<String, Dictionary<String, Object>> read(Path dir, UnaryOperator<String> lookup) throws IOException {
        Map<String, Dictionary<String, Object>> result = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String pid = name.substring(0, name.length() - SUFFIX.length());
                Dictionary<String, Object> props = new Hashtable<>();
                for (Map.Entry<String, String> entry : lines(file).entrySet()) {
                    String key = entry.getKey();
                    String value = substitute(entry.getValue(), lookup, file);
                    int colon = key.lastIndexOf(':');
                    if (colon > 0) {
                        props.put(key.substring(0, colon), convert(key.substring(colon + 1), value, file, key));
                    } else {
                        props.put(key, value.trim());
                    }
                }
                result.put(pid, props);
            }
        }
        return result;
    }

    /**
     * The file's {@code key = value} lines, in order. Not java.util.Properties: that splits at
     * {@code :} too, and typed keys ({@code port:Integer}) contain one.
     */
    static Map<String, String> lines(Path file) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ":" + number + ": expected key = value");
            }
            result.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
        }
        return result;
    }

    static String substitute(String value, UnaryOperator<String> lookup, Path file) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            int end = value.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException(file + ": unclosed ${ in " + value);
            }
            String name = value.substring(start + 2, end);
            String replacement = lookup.apply(name);
            if (replacement == null) {
                throw new IllegalArgumentException(file + ": ${" + name + "} is not a framework or system property");
            }
            out.append(value, i, start).append(replacement);
            i = end + 1;
        }
        return out.toString();
    }

    private static Object convert(String type, String value, Path file, String key) {
        try {
            if (type.endsWith("[]")) {
                String element = type.substring(0, type.length() - 2);
                String[] parts = value.isBlank() ? new String[0] : value.split(",");
                Object array = Array.newInstance(typeClass(element), parts.length);
                for (int i = 0; i < parts.length; i++) {
                    Array.set(array, i, scalar(element, parts[i].trim()));
                }
                return array;
            }
            return scalar(type, value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + key + ": " + e.getMessage(), e);
        }
    }

    private static Class<?> typeClass(String type) {
        return switch (type) {
            case "String" -> String.class;
            case "Integer" -> Integer.class;
            case "Long" -> Long.class;
            case "Boolean" -> Boolean.class;
            case "Double" -> Double.class;
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static Object scalar(String type, String value) {
        return switch (type) {
            case "String" -> value;
            case "Integer" -> Integer.valueOf(value);
            case "Long" -> Long.valueOf(value);
            case "Boolean" -> Boolean.valueOf(value);
            case "Double" -> Double.valueOf(value);
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }
}
