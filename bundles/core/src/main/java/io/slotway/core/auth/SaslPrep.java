package io.slotway.core.auth;

import java.text.Normalizer;

/**
 * A simplified SASLprep (RFC 4013) of a password, for the key derivation. What it does: maps non-ASCII
 * spaces to a space, drops the characters RFC 3454 table B.1 maps to nothing, and normalizes with
 * NFKC. Like PostgreSQL, when the result would contain a prohibited character (controls, private use,
 * non-characters, surrogates, unassigned code points, ...) the password is used as it was given
 * instead. Left out: the bidirectional-text checks, and Unicode 3.2 exactness (Java's newer Unicode
 * tables are used). Every ASCII password, and the usual accented ones, come out as PostgreSQL and
 * pgjdbc prepare them.
 */
final class SaslPrep {
    private SaslPrep() {}

    /** The characters whose UTF-8 encoding the key is derived from. */
    static char[] prepare(char[] password) {
        String raw = new String(password);
        StringBuilder mapped = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            if (isMappedToNothing(cp)) {
                continue;
            }
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else {
                mapped.appendCodePoint(cp);
            }
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean prohibited = normalized.isEmpty() || normalized.codePoints().anyMatch(SaslPrep::isProhibited);
        return (prohibited ? raw : normalized).toCharArray();
    }

    private static boolean isMappedToNothing(int cp) {
        switch (cp) {
            case 0x00AD: case 0x034F: case 0x1806: case 0x180B: case 0x180C: case 0x180D:
            case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
                return true;
            default:
                return cp >= 0xFE00 && cp <= 0xFE0F;
        }
    }

    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static boolean isProhibited(int cp) {
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            return true; // ASCII and non-ASCII controls
        }
        if (isNonAsciiSpace(cp)) {
            return true;
        }
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return true; // non-characters
        }
        if (cp >= 0xFFF9 && cp <= 0xFFFD) {
            return true; // inappropriate for plain text
        }
        if (cp >= 0x2FF0 && cp <= 0x2FFB) {
            return true; // ideographic description characters
        }
        if ((cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x206A && cp <= 0x206F)
                || cp == 0x0340 || cp == 0x0341) {
            return true; // display properties, deprecated
        }
        if (cp >= 0xE0001 && cp <= 0xE007F) {
            return true; // tagging characters
        }
        int type = Character.getType(cp);
        return type == Character.PRIVATE_USE || type == Character.SURROGATE || type == Character.UNASSIGNED
                || type == Character.CONTROL;
    }
}
