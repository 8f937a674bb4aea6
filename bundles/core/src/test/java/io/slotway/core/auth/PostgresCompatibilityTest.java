package io.slotway.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.client.ScramClient;

import io.slotway.testkit.PgOracle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifiers against a real PostgreSQL 15: the ones PostgreSQL makes work in {@link ScramServer}, and the
 * ones {@link UserStore#createVerifier} makes work in PostgreSQL.
 */
class PostgresCompatibilityTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsPostgres() {
        // The README's test command installs PostgreSQL 15; without it these tests fail, never skip.
        PgOracle.get();
    }

    /** The verifier PostgreSQL itself computes for {@code password}. */
    private static String postgresVerifier(Connection c, String role, String password) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("DROP ROLE IF EXISTS " + role);
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
        }
        return rolpassword(c, role);
    }

    private static String rolpassword(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private UserStore storeWith(String user, String verifier) throws Exception {
        Path file = dir.resolve("users-" + user);
        Files.write(file, List.of(user + ":" + verifier), UTF_8);
        return UserStore.load(file);
    }

    private static boolean authenticates(UserStore users, String user, String password) throws Exception {
        ScramServer server = new ScramServer(user, users);
        ScramClient client = ScramClient.builder().advertisedMechanisms(ScramServer.MECHANISMS)
                .username("*").password(password.toCharArray()).build();
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        try {
            byte[] fin = server.handleClientFinal(client.clientFinalMessage().toString().getBytes(UTF_8));
            client.serverFinalMessage(new String(fin, UTF_8));
            return server.isAuthenticated();
        } catch (io.slotway.api.PgException e) {
            assertThat(e.sqlState()).isEqualTo("28P01");
            return false;
        }
    }

    @Test
    void verifierMadeByPostgresAuthenticatesARealClientInScramServer() throws Exception {
        try (Connection c = PgOracle.get().connect("postgres")) {
            String verifier = postgresVerifier(c, "slotway_auth_pgmade", "pw");
            assertThat(verifier).startsWith("SCRAM-SHA-256$4096:");
            UserStore users = storeWith("u", verifier);
            assertThat(authenticates(users, "u", "pw")).isTrue();
            assertThat(authenticates(users, "u", "pW")).isFalse();
        }
    }

    @Test
    void ourKeyDerivationMatchesPostgresForItsSaltIncludingNonAsciiPasswords() throws Exception {
        List<String> passwords = List.of("pw", "correct horse battery staple", "p'@$:,=x",
                "Gr\u00fc\u00dfe\u00a0\ufb01x\u00ad!", "\u00c5ngstr\u00f6m", "\u30d1\u30b9\u30ef\u30fc\u30c9");
        try (Connection c = PgOracle.get().connect("postgres")) {
            int i = 0;
            for (String password : passwords) {
                String pg = postgresVerifier(c, "slotway_auth_kdf" + i++, password);
                ScramVerifier parsed = ScramVerifier.parse(pg);
                ScramVerifier ours = ScramVerifier.compute(password.toCharArray(),
                        Base64.getDecoder().decode(parsed.saltBase64), parsed.iterations);
                assertThat(ours.text()).as("verifier for %s", password).isEqualTo(pg);
            }
        }
    }

    @Test
    void postgresStoresOurVerifierAsGivenAndLetsPgjdbcLogInWithThePassword() throws Exception {
        String role = "slotway_auth_ours";
        String verifier = UserStore.createVerifier("0ur-s3cret".toCharArray());
        PgOracle pg = PgOracle.get();
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + role);
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + verifier + "'");
            assertThat(rolpassword(c, role)).isEqualTo(verifier);

            // The oracle trusts everyone; require SCRAM for this one role only, then put the file back.
            Path hba;
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Paths.get(rs.getString(1));
            }
            String original = Files.readString(hba);
            try {
                Files.writeString(hba, "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + original);
                s.execute("SELECT pg_reload_conf()");
                waitForRule(s, role);
                assertThat(login(pg, role, "0ur-s3cret")).isEqualTo(role);
                assertThatThrownBy(() -> login(pg, role, "wrong"))
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("28P01");
                            assertThat(e.getMessage()).contains("password authentication failed for user \"" + role + "\"");
                        });
            } finally {
                Files.writeString(hba, original);
                s.execute("SELECT pg_reload_conf()");
            }
        }
    }

    /** Polls pg_hba_file_rules until the reloaded file is in effect (with a deadline). */
    private static void waitForRule(Statement s, String role) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            // pg_hba_file_rules shows the file, not what is loaded; a failed login attempt shows the latter.
            try {
                login(PgOracle.get(), role, "definitely-not-the-password");
            } catch (SQLException e) {
                if ("28P01".equals(e.getSQLState())) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("PostgreSQL did not load the scram-sha-256 rule for " + role);
    }

    private static String login(PgOracle pg, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), props);
             ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
