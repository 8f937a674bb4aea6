package io.slotway.core.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Makes a line for the users file.
 *
 * <pre>
 * bin/slotway passwd USER            # asks twice for the password, without echo, on the terminal
 * echo "$PW" | bin/slotway passwd USER   # reads the first line of stdin when it is not a terminal
 * bin/slotway passwd alice &gt;&gt; conf/users
 * </pre>
 * Prints {@code USER:SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>} on stdout (nothing else goes to
 * stdout, so it can be appended to the users file); prompts and errors go to stderr. Exit status 0 on
 * success, 1 when the password is empty or the two entries differ, 2 for a usage error. The plain
 * password is never written anywhere. The verifier is PostgreSQL-compatible: the part after
 * {@code USER:} can be given to PostgreSQL's {@code CREATE ROLE ... PASSWORD '...'} and back.
 */
public final class PasswordTool {
    private PasswordTool() {}

    public static void main(String[] args) throws IOException {
        int status = run(args, System.in, System.out, System.err, System.console());
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Console console)
            throws IOException {
        if (args.length != 2 || !args[0].equals("passwd")) {
            err.println("usage: slotway passwd USER");
            err.println("  reads the password from the terminal (without echo) or the first line of stdin,");
            err.println("  and prints the line to add to the users file");
            return 2;
        }
        String user = args[1];
        try {
            UserStore.checkUserName(user);
        } catch (IllegalArgumentException e) {
            err.println("slotway passwd: " + e.getMessage());
            return 2;
        }
        char[] password;
        if (console != null) {
            password = console.readPassword("Enter password for %s: ", user);
            char[] again = console.readPassword("Enter it again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                err.println("slotway passwd: passwords didn't match");
                return 1;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        try {
            if (password.length == 0) {
                err.println("slotway passwd: empty password");
                return 1;
            }
            out.println(UserStore.fileLine(user, password));
            out.flush();
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
