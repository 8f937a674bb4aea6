package io.slotway.core.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An authentication file (hba rules or users) that cannot be used: the message starts with
 * {@code file:line: } so an administrator can go straight to the offending line.
 */
public final class AuthFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    AuthFileException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file that holds the error. */
    public Path file() {
        return file;
    }

    /** 1-based line number of the error. */
    public int line() {
        return line;
    }
}
