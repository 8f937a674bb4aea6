package io.slotway.core.auth;

import java.net.InetAddress;
import java.util.List;

/**
 * One line of the hba file that {@link HbaRules} loaded. Immutable.
 */
public final class HbaRule {

    /** What to do with a connection that matched the rule. */
    public enum Method {
        /** Let the client in without a password. */
        TRUST,
        /** Refuse the connection: FATAL 28000 {@code pg_hba.conf rejects connection ...}. */
        REJECT,
        /**
         * SCRAM-SHA-256 with the user's verifier from the users file. The hba methods {@code md5} and
         * {@code password} also end up here, because only SCRAM verifiers are stored (PostgreSQL, too,
         * runs SCRAM for an {@code md5} line when the stored password is a SCRAM verifier).
         */
        SCRAM_SHA_256
    }

    /** The first column. {@code local} lines never become rules. */
    enum ConnectionType {
        HOST, HOSTNOSSL, HOSTSSL, HOSTGSSENC, HOSTNOGSSENC;

        /** Slotway offers neither TLS nor GSSAPI encryption, so every connection is unencrypted. */
        boolean matchesUnencrypted() {
            return this != HOSTSSL && this != HOSTGSSENC;
        }
    }

    /** A name in a database or user column; a quoted name is never a keyword. */
    static final class Token {
        final String text;
        final boolean quoted;

        Token(String text, boolean quoted) {
            this.text = text;
            this.quoted = quoted;
        }

        boolean isKeyword(String keyword) {
            return !quoted && text.equals(keyword);
        }

        @Override
        public String toString() {
            return quoted ? '"' + text + '"' : text;
        }
    }

    /** An address range; {@code network == null} means any address. */
    static final class AddressRange {
        static final AddressRange ANY = new AddressRange(null, null);

        private final byte[] network;
        private final byte[] mask;

        AddressRange(byte[] network, byte[] mask) {
            this.network = network;
            this.mask = mask;
        }

        static AddressRange cidr(byte[] network, int bits) {
            byte[] mask = new byte[network.length];
            for (int i = 0; i < mask.length; i++) {
                int take = Math.max(0, Math.min(8, bits - 8 * i));
                mask[i] = (byte) (0xff00 >> take);
            }
            return new AddressRange(network, mask);
        }

        /** Same family (IPv4 rules never match IPv6 clients and vice versa) and same masked bits. */
        boolean contains(InetAddress client) {
            if (network == null) {
                return true;
            }
            byte[] c = client.getAddress();
            if (c.length != network.length) {
                return false;
            }
            for (int i = 0; i < c.length; i++) {
                if (((c[i] ^ network[i]) & mask[i]) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private final String source;
    private final String text;
    private final ConnectionType type;
    private final List<Token> databases;
    private final List<Token> users;
    private final AddressRange address;
    private final Method method;
    private final String methodName;

    HbaRule(String source, String text, ConnectionType type, List<Token> databases, List<Token> users,
            AddressRange address, Method method, String methodName) {
        this.source = source;
        this.text = text;
        this.type = type;
        this.databases = List.copyOf(databases);
        this.users = List.copyOf(users);
        this.address = address;
        this.method = method;
        this.methodName = methodName;
    }

    /** What to do with the connection. */
    public Method method() {
        return method;
    }

    /** The method as written in the file ({@code md5}, {@code scram-sha-256}, ...). */
    public String methodName() {
        return methodName;
    }

    /** Where the rule comes from: {@code file:line}, or {@code defaults:n} for the built-in rules. */
    public String source() {
        return source;
    }

    /**
     * Whether the rule applies, as PostgreSQL's check_hba decides it. A physical replication connection
     * matches only lines whose database column holds the keyword {@code replication}; a logical
     * replication connection ({@code replication=database}) is matched like any other connection, on
     * its database name, and {@code all} does not cover physical replication.
     */
    boolean matches(InetAddress client, String user, String database, boolean physicalReplication) {
        return type.matchesUnencrypted()
                && address.contains(client)
                && matchesDatabase(user, database, physicalReplication)
                && matchesUser(user);
    }

    private boolean matchesDatabase(String user, String database, boolean physicalReplication) {
        for (Token t : databases) {
            if (physicalReplication) {
                if (t.isKeyword("replication")) {
                    return true;
                }
            } else if (t.isKeyword("all")) {
                return true;
            } else if (t.isKeyword("sameuser")) {
                if (user.equals(database)) {
                    return true;
                }
            } else if (t.isKeyword("replication")) {
                continue;
            } else if (t.text.equals(database)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesUser(String user) {
        for (Token t : users) {
            if (t.isKeyword("all") || t.text.equals(user)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source + ": " + text;
    }
}
