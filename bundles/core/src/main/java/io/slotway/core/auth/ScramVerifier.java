package io.slotway.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SCRAM-SHA-256 password verifier in PostgreSQL's text form (pg_authid.rolpassword):
 * {@code SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>}. Immutable.
 * Also the SCRAM primitives (RFC 5802 section 3, with SHA-256 per RFC 7677).
 */
final class ScramVerifier {
    static final String SCHEME = "SCRAM-SHA-256";
    static final int DEFAULT_ITERATIONS = 4096;
    static final int SALT_LENGTH = 16;
    static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    final int iterations;
    /** The salt exactly as stored (base64), sent to the client unchanged. */
    final String saltBase64;
    private final byte[] storedKey;
    private final byte[] serverKey;

    private ScramVerifier(int iterations, String saltBase64, byte[] storedKey, byte[] serverKey) {
        this.iterations = iterations;
        this.saltBase64 = saltBase64;
        this.storedKey = storedKey;
        this.serverKey = serverKey;
    }

    byte[] storedKey() {
        return storedKey.clone();
    }

    byte[] serverKey() {
        return serverKey.clone();
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException with a short reason when {@code text} is not a SCRAM-SHA-256 verifier
     */
    static ScramVerifier parse(String text) {
        int dollar = text.indexOf('$');
        if (dollar < 0 || !text.substring(0, dollar).equals(SCHEME)) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier (expected "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>; create one with `slotway passwd USER`)");
        }
        String rest = text.substring(dollar + 1);
        int colon1 = rest.indexOf(':');
        int dollar2 = rest.indexOf('$', Math.max(colon1, 0));
        int colon2 = dollar2 < 0 ? -1 : rest.indexOf(':', dollar2);
        if (colon1 < 0 || dollar2 < 0 || colon2 < 0) {
            throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier: expected "
                    + "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String iterationsText = rest.substring(0, colon1);
        String salt = rest.substring(colon1 + 1, dollar2);
        String stored = rest.substring(dollar2 + 1, colon2);
        String server = rest.substring(colon2 + 1);
        int iterations;
        try {
            iterations = Integer.parseInt(iterationsText);
        } catch (NumberFormatException e) {
            iterations = 0;
        }
        if (iterations < 1 || !iterationsText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid iteration count \"" + iterationsText + "\" in SCRAM verifier");
        }
        byte[] saltBytes = decode(salt, "salt");
        if (saltBytes.length == 0) {
            throw new IllegalArgumentException("empty salt in SCRAM verifier");
        }
        byte[] storedKey = decode(stored, "StoredKey");
        byte[] serverKey = decode(server, "ServerKey");
        if (storedKey.length != KEY_LENGTH || serverKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("StoredKey and ServerKey must be " + KEY_LENGTH + " bytes");
        }
        return new ScramVerifier(iterations, salt, storedKey, serverKey);
    }

    private static byte[] decode(String base64, String what) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid base64 in the " + what + " of SCRAM verifier");
        }
    }

    /** A verifier for {@code password} with a fresh random 16-byte salt and 4096 iterations. */
    static ScramVerifier create(char[] password) {
        byte[] salt = new byte[SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return compute(password, salt, DEFAULT_ITERATIONS);
    }

    /** The verifier for {@code password} with the given salt and iteration count. */
    static ScramVerifier compute(char[] password, byte[] salt, int iterations) {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        char[] prepared = SaslPrep.prepare(password);
        byte[] salted;
        try {
            PBEKeySpec spec = new PBEKeySpec(prepared, salt, iterations, KEY_LENGTH * 8);
            try {
                salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
                Arrays.fill(prepared, '\0');
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        }
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] serverKey = hmac(salted, "Server Key");
        Arrays.fill(salted, (byte) 0);
        return new ScramVerifier(iterations, Base64.getEncoder().encodeToString(salt), sha256(clientKey), serverKey);
    }

    /** The text form, as PostgreSQL stores it. */
    String text() {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + ":" + saltBase64 + "$" + b64.encodeToString(storedKey) + ":"
                + b64.encodeToString(serverKey);
    }

    @Override
    public String toString() {
        return text();
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
