package io.slotway.source.h2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * PostgreSQL functions H2 lacks, registered in H2 with CREATE ALIAS. H2 loads this class by name: in OSGi
 * through the class factory {@link H2Source} registers with H2, elsewhere from the class path.
 */
public final class PgFunctions {
    /** The aliases: H2 name and Java method. */
    static final String[][] ALIASES = {
        {"md5", "md5"},
        {"pg_decode", "decode"},
        {"pg_encode", "encode"},
        {"pg_setval", "setval"},
        {"pg_session_user", "sessionUser"},
        {"current_query", "currentQuery"},
    };

    private PgFunctions() {}

    /** {@code current_user}, {@code session_user}, {@code current_role}: the user the client logged in as. */
    public static String sessionUser(java.sql.Connection c) {
        H2Session s = Capture.sessionOf(c);
        return s == null ? "postgres" : s.context().user();
    }

    /** {@code current_query()}: the client's current query text as it sent it. */
    public static String currentQuery(java.sql.Connection c) {
        H2Session s = Capture.sessionOf(c);
        return s == null ? null : s.context().currentQuery();
    }

    public static String md5(String text) throws NoSuchAlgorithmException {
        if (text == null) {
            return null;
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] decode(String text, String format) throws SQLException {
        if (text == null || format == null) {
            return null;
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "hex":
                try {
                    return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("invalid hexadecimal data", "22023");
                }
            case "base64":
                return Base64.getMimeDecoder().decode(text);
            case "escape":
                return text.getBytes(StandardCharsets.UTF_8);
            default:
                throw new SQLException("unrecognized encoding: \"" + format + "\"", "22023");
        }
    }

    public static String encode(byte[] data, String format) throws SQLException {
        if (data == null || format == null) {
            return null;
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "hex":
                return HexFormat.of().formatHex(data);
            case "base64":
                return Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(data);
            case "escape":
                return new String(data, StandardCharsets.ISO_8859_1);
            default:
                throw new SQLException("unrecognized encoding: \"" + format + "\"", "22023");
        }
    }

    /**
     * {@code setval(sequence, value)}: the next {@code nextval} returns {@code value + increment}. Like
     * PostgreSQL's, it is not undone by a rollback: it runs on a connection of its own.
     */
    public static long setval(Connection conn, String sequence, long value) throws SQLException {
        return setval(conn, sequence, value, true);
    }

    public static long setval(Connection conn, String sequence, long value, boolean isCalled) throws SQLException {
        String schema;
        String name;
        String[] parts = sequence.split("\\.");
        if (parts.length == 2) {
            schema = ident(parts[0]);
            name = ident(parts[1]);
        } else {
            name = ident(parts[0]);
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_SCHEMA")) {
                rs.next();
                schema = rs.getString(1);
            }
        }
        long increment;
        try (PreparedStatement p = conn.prepareStatement(
                "SELECT INCREMENT FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_SCHEMA = ? AND SEQUENCE_NAME = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("Sequence \"" + name + "\" not found", "90036", 90036);
                }
                increment = rs.getLong(1);
            }
        }
        long restart = isCalled ? value + increment : value;
        String path;
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("CALL DATABASE_PATH()")) {
            rs.next();
            path = rs.getString(1);
        }
        try (Connection own = H2Source.connectToPath(path)) {
            own.setAutoCommit(true);
            try (Statement s = own.createStatement()) {
                s.execute("ALTER SEQUENCE " + H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(name) + " RESTART WITH " + restart);
            }
        }
        return value;
    }

    private static String ident(String s) {
        s = s.trim();
        if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
