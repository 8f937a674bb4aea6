package io.slotway.core.auth;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.core.auth.HbaRule.AddressRange;
import io.slotway.core.auth.HbaRule.ConnectionType;
import io.slotway.core.auth.HbaRule.Method;
import io.slotway.core.auth.HbaRule.Token;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may connect from where, and how they prove who they are: rules in the spirit of PostgreSQL's
 * {@code pg_hba.conf}. Immutable and thread-safe; load once, share between connections.
 *
 * <p>One rule a line, {@code #} starts a comment:
 * <pre>
 * # TYPE      DATABASE     USER        ADDRESS                  METHOD
 * host        all          all         127.0.0.1/32             trust
 * host        replication  repl        10.0.0.0/8               scram-sha-256
 * hostnossl   shop,"All"   alice,bob   192.168.1.0 255.255.255.0  md5
 * host        all          all         ::1/128                  trust
 * host        all          all         all                      reject
 * </pre>
 * <ul>
 * <li>TYPE: {@code host} and {@code hostnossl} match every connection (Slotway offers no TLS);
 *     {@code hostssl} and {@code hostgssenc} never match; {@code hostnogssenc} matches everything;
 *     {@code local} lines are accepted and ignored, since there is no Unix-domain socket.</li>
 * <li>DATABASE: {@code all}, {@code sameuser}, {@code replication}, a name, or a comma list. The keyword
 *     {@code replication} matches only physical replication connections, and only it does; a logical
 *     replication connection ({@code replication=database}) matches on its database name like a normal
 *     one. Double quotes make a keyword an ordinary name. {@code samerole}, {@code samegroup} and
 *     {@code @file} are refused at load.</li>
 * <li>USER: {@code all}, a name, or a comma list. {@code +group} and {@code @file} are refused.</li>
 * <li>ADDRESS: IPv4 or IPv6 CIDR ({@code 10.0.0.0/8}, {@code fe80::/10}), {@code all}, or an address
 *     followed by a netmask column. An IPv4 rule never matches an IPv6 client and vice versa. Host
 *     names, {@code samehost} and {@code samenet} are refused at load: Slotway does no name lookups.</li>
 * <li>METHOD: {@code trust}, {@code reject}, {@code scram-sha-256}; {@code md5} and {@code password} are
 *     aliases that run SCRAM-SHA-256, since the users file stores only SCRAM verifiers (a client that
 *     can only do MD5 or cleartext will fail). Options after the method are refused.</li>
 * </ul>
 * The first rule that matches decides; no match refuses the connection, exactly as PostgreSQL does.
 */
public final class HbaRules {

    private static final Set<String> UNSUPPORTED_METHODS =
            Set.of("gss", "sspi", "ident", "peer", "pam", "ldap", "radius", "cert", "bsd");

    private final List<HbaRule> rules;

    private HbaRules(List<HbaRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * The rules used when no hba file is configured: trust for every user and database, including
     * physical replication, from the loopback addresses 127.0.0.0/8 and ::1 only.
     */
    public static HbaRules defaults() {
        try {
            return parse(List.of(
                    "host all         all 127.0.0.0/8 trust",
                    "host all         all ::1/128     trust",
                    "host replication all 127.0.0.0/8 trust",
                    "host replication all ::1/128     trust"), Paths.get("defaults"));
        } catch (AuthFileException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Reads an hba file (UTF-8).
     *
     * @throws AuthFileException a line that is not a valid rule, with {@code file:line:} in the message
     * @throws IOException the file cannot be read
     */
    public static HbaRules load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file);
    }

    static HbaRules parse(List<String> lines, Path file) throws AuthFileException {
        List<HbaRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            HbaRule rule = parseLine(lines.get(i), file, i + 1);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return new HbaRules(rules);
    }

    /** The rules in file order. */
    public List<HbaRule> rules() {
        return rules;
    }

    /**
     * The first rule that matches, as PostgreSQL chooses it.
     *
     * @param client the client's IP address (Java reports an IPv4-mapped IPv6 peer, {@code ::ffff:a.b.c.d}, as
     *     IPv4, so such a client matches IPv4 rules)
     * @param user the user name from the startup packet
     * @param database the database from the startup packet (ignored for physical replication)
     * @param physicalReplication {@code replication=true} in the startup packet; {@code false} for
     *     normal connections and for logical replication ({@code replication=database})
     */
    public Optional<HbaRule> match(InetAddress client, String user, String database, boolean physicalReplication) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(user, "user");
        String db = database == null ? "" : database;
        for (HbaRule rule : rules) {
            if (rule.matches(client, user, db, physicalReplication)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /**
     * The one call the startup phase needs: the method of the first matching rule, which is then
     * {@link Method#TRUST} or {@link Method#SCRAM_SHA_256}.
     *
     * @throws PgException FATAL 28000 when no rule matches ({@link #noEntryError}) or the rule is
     *     {@code reject} ({@link #rejectError})
     */
    public Method authenticationMethod(InetAddress client, String user, String database, boolean physicalReplication)
            throws PgException {
        HbaRule rule = match(client, user, database, physicalReplication)
                .orElseThrow(() -> noEntryError(client, user, database, physicalReplication));
        if (rule.method() == Method.REJECT) {
            throw rejectError(client, user, database, physicalReplication);
        }
        return rule.method();
    }

    /**
     * PostgreSQL's FATAL 28000 for a connection no rule matches, e.g.
     * {@code no pg_hba.conf entry for host "127.0.0.1", user "bob", database "db", no encryption}.
     */
    public static PgException noEntryError(InetAddress client, String user, String database,
                                           boolean physicalReplication) {
        String host = IpAddresses.format(client);
        String message = physicalReplication
                ? String.format("no pg_hba.conf entry for replication connection from host \"%s\", user \"%s\", no encryption",
                        host, user)
                : String.format("no pg_hba.conf entry for host \"%s\", user \"%s\", database \"%s\", no encryption",
                        host, user, database);
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, message);
    }

    /**
     * PostgreSQL's FATAL 28000 for a connection whose first matching rule is {@code reject}, e.g.
     * {@code pg_hba.conf rejects connection for host "10.1.2.3", user "bob", database "db", no encryption}.
     */
    public static PgException rejectError(InetAddress client, String user, String database,
                                          boolean physicalReplication) {
        String host = IpAddresses.format(client);
        String message = physicalReplication
                ? String.format("pg_hba.conf rejects replication connection for host \"%s\", user \"%s\", no encryption",
                        host, user)
                : String.format("pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", no encryption",
                        host, user, database);
        return PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, message);
    }

    // ---- parsing ------------------------------------------------------------------------------

    private static HbaRule parseLine(String line, Path file, int lineNo) throws AuthFileException {
        List<List<Token>> fields = tokenize(line, file, lineNo);
        if (fields.isEmpty()) {
            return null;
        }
        int f = 0;
        String typeText = single(fields.get(f++), "connection type", file, lineNo).text;
        ConnectionType type;
        switch (typeText) {
            case "local":
                return null; // no Unix-domain socket: nothing can ever match such a line
            case "host": type = ConnectionType.HOST; break;
            case "hostnossl": type = ConnectionType.HOSTNOSSL; break;
            case "hostssl": type = ConnectionType.HOSTSSL; break;
            case "hostgssenc": type = ConnectionType.HOSTGSSENC; break;
            case "hostnogssenc": type = ConnectionType.HOSTNOGSSENC; break;
            default:
                throw new AuthFileException(file, lineNo, "invalid connection type \"" + typeText + "\"");
        }

        if (f >= fields.size()) {
            throw new AuthFileException(file, lineNo, "end-of-line before database specification");
        }
        List<Token> databases = fields.get(f++);
        for (Token t : databases) {
            checkName(t, "database", file, lineNo);
            if (t.isKeyword("samerole") || t.isKeyword("samegroup")) {
                throw new AuthFileException(file, lineNo, "database keyword \"" + t.text
                        + "\" is not supported: Slotway has no role membership");
            }
        }

        if (f >= fields.size()) {
            throw new AuthFileException(file, lineNo, "end-of-line before role specification");
        }
        List<Token> users = fields.get(f++);
        for (Token t : users) {
            checkName(t, "user", file, lineNo);
            if (!t.quoted && t.text.startsWith("+")) {
                throw new AuthFileException(file, lineNo, "group user \"" + t.text
                        + "\" is not supported: Slotway has no role membership");
            }
        }

        if (f >= fields.size()) {
            throw new AuthFileException(file, lineNo, "end-of-line before IP address specification");
        }
        String addressText = single(fields.get(f++), "host address", file, lineNo).text;
        AddressRange address;
        if (addressText.equals("all")) {
            address = AddressRange.ANY;
        } else if (addressText.equals("samehost") || addressText.equals("samenet")) {
            throw new AuthFileException(file, lineNo, "address \"" + addressText
                    + "\" is not supported: write the address range in CIDR notation, e.g. 127.0.0.1/32");
        } else if (addressText.contains("/")) {
            address = parseCidr(addressText, file, lineNo);
        } else {
            byte[] ip = IpAddresses.parseLiteral(addressText);
            if (ip == null) {
                throw new AuthFileException(file, lineNo, "invalid IP address \"" + addressText
                        + "\": host names are not supported (Slotway does no name lookups); use an address range"
                        + " in CIDR notation, e.g. 127.0.0.1/32");
            }
            if (f >= fields.size()) {
                throw new AuthFileException(file, lineNo, "end-of-line before netmask specification"
                        + " (specify an address range in CIDR notation, or provide a separate netmask)");
            }
            String maskText = single(fields.get(f++), "netmask", file, lineNo).text;
            byte[] mask = IpAddresses.parseLiteral(maskText);
            if (mask == null) {
                throw new AuthFileException(file, lineNo, "invalid IP mask \"" + maskText + "\"");
            }
            if (mask.length != ip.length) {
                throw new AuthFileException(file, lineNo, "IP address and mask do not match");
            }
            address = new AddressRange(ip, mask);
        }

        if (f >= fields.size()) {
            throw new AuthFileException(file, lineNo, "end-of-line before authentication method");
        }
        String methodName = single(fields.get(f++), "authentication type", file, lineNo).text;
        Method method;
        switch (methodName) {
            case "trust": method = Method.TRUST; break;
            case "reject": method = Method.REJECT; break;
            case "scram-sha-256":
            case "md5":
            case "password":
                method = Method.SCRAM_SHA_256;
                break;
            default:
                if (UNSUPPORTED_METHODS.contains(methodName)) {
                    throw new AuthFileException(file, lineNo, "authentication method \"" + methodName
                            + "\" is not supported; use trust, reject, scram-sha-256, md5 or password");
                }
                throw new AuthFileException(file, lineNo, "invalid authentication method \"" + methodName + "\"");
        }
        if (f < fields.size()) {
            throw new AuthFileException(file, lineNo, "authentication option \"" + fields.get(f).get(0).text
                    + "\" is not supported");
        }
        return new HbaRule(file + ":" + lineNo, line.strip(), type, databases, users, address, method, methodName);
    }

    private static AddressRange parseCidr(String text, Path file, int lineNo) throws AuthFileException {
        int slash = text.indexOf('/');
        byte[] ip = IpAddresses.parseLiteral(text.substring(0, slash));
        if (ip == null) {
            throw new AuthFileException(file, lineNo, "invalid IP address \"" + text.substring(0, slash)
                    + "\": only numeric IPv4 and IPv6 addresses are supported");
        }
        String bitsText = text.substring(slash + 1);
        int bits;
        try {
            bits = bitsText.chars().allMatch(Character::isDigit) && !bitsText.isEmpty() && bitsText.length() <= 3
                    ? Integer.parseInt(bitsText) : -1;
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > ip.length * 8) {
            throw new AuthFileException(file, lineNo, "invalid CIDR mask in address \"" + text + "\"");
        }
        return AddressRange.cidr(ip, bits);
    }

    private static Token single(List<Token> field, String what, Path file, int lineNo) throws AuthFileException {
        if (field.size() != 1) {
            throw new AuthFileException(file, lineNo, "multiple values specified for " + what);
        }
        return field.get(0);
    }

    private static void checkName(Token t, String what, Path file, int lineNo) throws AuthFileException {
        if (t.text.isEmpty() && !t.quoted) {
            throw new AuthFileException(file, lineNo, "empty " + what + " name in list");
        }
        if (!t.quoted && t.text.startsWith("@")) {
            throw new AuthFileException(file, lineNo, "file inclusion \"" + t.text + "\" is not supported");
        }
    }

    /**
     * Splits a line into fields separated by white space; a field is a comma-separated list of tokens
     * (white space after a comma continues the list). Double quotes keep white space, commas and
     * {@code #} and make a token a plain name; {@code #} outside quotes starts a comment.
     */
    private static List<List<Token>> tokenize(String line, Path file, int lineNo) throws AuthFileException {
        List<List<Token>> fields = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i >= n || line.charAt(i) == '#') {
                return fields;
            }
            List<Token> field = new ArrayList<>();
            while (true) {
                StringBuilder sb = new StringBuilder();
                boolean quoted = false;
                boolean inQuote = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (!inQuote && (isBlank(c) || c == ',' || c == '#')) {
                        break;
                    }
                    i++;
                    if (c == '"') {
                        inQuote = !inQuote;
                        quoted = true;
                    } else {
                        sb.append(c);
                    }
                }
                if (inQuote) {
                    throw new AuthFileException(file, lineNo, "unterminated quoted string");
                }
                field.add(new Token(sb.toString(), quoted));
                if (i < n && line.charAt(i) == ',') {
                    i++;
                    while (i < n && isBlank(line.charAt(i))) {
                        i++;
                    }
                    continue;
                }
                break;
            }
            fields.add(field);
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f';
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
