package io.slotway.core.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Users and their password verifiers, from a users file. Immutable and thread-safe.
 *
 * <p>One user a line, {@code name:verifier}, where the verifier is PostgreSQL's text form of a
 * SCRAM-SHA-256 secret (what {@code pg_authid.rolpassword} holds, so it can be copied from or to a
 * PostgreSQL server). Blank lines and lines starting with {@code #} are ignored; surrounding white space
 * is ignored. The name is everything before the last {@code :SCRAM-SHA-256$}, so it may contain colons.
 * <pre>
 * # created with: bin/slotway passwd alice
 * alice:SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$d2h5Cg...=:c2VydmVy...=
 * </pre>
 * Create lines with {@link PasswordTool} ({@code bin/slotway passwd USER}) or {@link #createVerifier}.
 */
public final class UserStore {
    private static final String SEPARATOR = ":" + ScramVerifier.SCHEME + "$";
    private static final UserStore EMPTY = new UserStore(Map.of());

    /** Per-JVM secret for the salts of mock exchanges (PostgreSQL keeps one per cluster). */
    private static final byte[] MOCK_SECRET = new byte[32];

    static {
        new SecureRandom().nextBytes(MOCK_SECRET);
    }

    private final Map<String, ScramVerifier> users;

    private UserStore(Map<String, ScramVerifier> users) {
        this.users = Map.copyOf(users);
    }

    /** No users: every SCRAM authentication fails (with the wrong-password error). */
    public static UserStore empty() {
        return EMPTY;
    }

    /**
     * Reads a users file (UTF-8); a file that does not exist gives {@link #empty()}.
     *
     * @throws AuthFileException a malformed line or a user listed twice, with {@code file:line:} in the message
     * @throws IOException the file exists but cannot be read
     */
    public static UserStore load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        Map<String, ScramVerifier> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sep = line.lastIndexOf(SEPARATOR);
            if (sep < 0) {
                throw new AuthFileException(file, lineNo, line.indexOf(':') < 0
                        ? "expected name:SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
                        : "only SCRAM-SHA-256 verifiers are supported (create one with `slotway passwd USER`)");
            }
            String name = line.substring(0, sep);
            if (name.isEmpty()) {
                throw new AuthFileException(file, lineNo, "empty user name");
            }
            ScramVerifier verifier;
            try {
                verifier = ScramVerifier.parse(line.substring(sep + 1));
            } catch (IllegalArgumentException e) {
                throw new AuthFileException(file, lineNo, e.getMessage() + " for user \"" + name + "\"");
            }
            if (users.putIfAbsent(name, verifier) != null) {
                throw new AuthFileException(file, lineNo, "user \"" + name + "\" is listed twice");
            }
        }
        return new UserStore(users);
    }

    /** The names of the users that have a verifier. */
    public Set<String> users() {
        return users.keySet();
    }

    /** The user's verifier, if the user has one. */
    Optional<ScramVerifier> verifier(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /**
     * A new SCRAM-SHA-256 verifier for {@code password} in PostgreSQL's text form: random 16-byte salt,
     * 4096 iterations, PBKDF2WithHmacSHA256. The password goes through a simplified SASLprep (see
     * {@code SaslPrep}: NFKC plus the space and mapped-to-nothing tables), which gives PostgreSQL's
     * result for every ASCII password and ordinary non-ASCII ones. The caller may clear the array after.
     *
     * @throws IllegalArgumentException the password is empty (PostgreSQL never accepts empty passwords)
     */
    public static String createVerifier(char[] password) {
        return ScramVerifier.create(password).text();
    }

    /** The line for the users file: {@code user:verifier}. */
    public static String fileLine(String user, char[] password) {
        checkUserName(user);
        return user + ":" + createVerifier(password);
    }

    static void checkUserName(String user) {
        if (user.isEmpty() || !user.equals(user.strip()) || user.startsWith("#")
                || user.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
            throw new IllegalArgumentException("user name \"" + user + "\" cannot be stored in the users file"
                    + " (empty, surrounding white space, line breaks, or a leading #)");
        }
    }

    /**
     * The salt of a mock exchange for a user without a verifier: the same for the same name during the
     * JVM's life, so repeated attempts cannot tell a missing user from a wrong password.
     */
    static byte[] mockSalt(String user) {
        return Arrays.copyOf(ScramVerifier.hmac(MOCK_SECRET, user.getBytes(StandardCharsets.UTF_8)),
                ScramVerifier.SALT_LENGTH);
    }

    @Override
    public String toString() {
        return "UserStore" + users.keySet();
    }
}
