package io.slotway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.core.FakeSource;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.FrontendMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL's session rules, checked message by message against a recording source. */
class SessionTest {
    private final FakeSource source = new FakeSource();
    private final List<BackendMessage> sent = new ArrayList<>();
    private Session session;

    @BeforeEach
    void open() {
        Settings settings = new Settings(Map.of());
        settings.drainReports(); // sent at startup
        session = new Session(source.openSession(new TestContext()), settings,
                new Output() {
                    @Override public void send(BackendMessage message) { sent.add(message); }
                    @Override public void flush() { }
                });
        source.log.clear();
    }

    /** The messages of one exchange in a compact form: Z(I) C(SELECT 2) E(42601) ... */
    private String run(FrontendMessage... messages) {
        sent.clear();
        for (FrontendMessage m : messages) {
            session.handle(m);
        }
        return sent.stream().map(SessionTest::describe).collect(Collectors.joining(" "));
    }

    private String query(String sql) {
        return run(new FrontendMessage.Query(sql));
    }

    static String describe(BackendMessage m) {
        if (m instanceof BackendMessage.ReadyForQuery r) {
            return "Z(" + (char) r.status() + ")";
        } else if (m instanceof BackendMessage.CommandComplete c) {
            return "C(" + c.tag() + ")";
        } else if (m instanceof BackendMessage.ErrorResponse e) {
            return "E(" + e.error().sqlState() + ")";
        } else if (m instanceof BackendMessage.NoticeResponse n) {
            return "N(" + n.notice().sqlState() + ")";
        } else if (m instanceof BackendMessage.DataRow d) {
            List<String> v = new ArrayList<>();
            for (byte[] b : d.values()) {
                v.add(b == null ? "null" : new String(b, StandardCharsets.UTF_8));
            }
            return "D" + v;
        } else if (m instanceof BackendMessage.RowDescription t) {
            return "T" + t.fields().stream().map(BackendMessage.Field::name).toList();
        } else if (m instanceof BackendMessage.ParameterStatus s) {
            return "S(" + s.name() + "=" + s.value() + ")";
        }
        return m.getClass().getSimpleName();
    }

    @Test
    void runsOneStatementInAnImplicitTransaction() {
        assertThat(query("rows 2")).isEqualTo("T[n] D[1] D[2] C(SELECT 2) Z(I)");
        assertThat(source.log).containsExactly("begin read committed", "prepare rows 2", "commit");
    }

    @Test
    void answersAnEmptyQueryWithEmptyQueryResponse() {
        assertThat(query("  ;; -- nothing\n")).isEqualTo("EmptyQueryResponse Z(I)");
    }

    @Test
    void rollsBackAMultiStatementQueryWhenOneStatementFails() {
        assertThat(query("insert; fail; insert")).isEqualTo("C(INSERT 0 1) E(42601) Z(I)");
        assertThat(source.log).containsExactly("begin read committed", "prepare insert", "insert", "prepare fail", "rollback");
    }

    @Test
    void refusesEverythingButRollbackInAFailedBlock() {
        assertThat(query("BEGIN")).isEqualTo("C(BEGIN) Z(T)");
        assertThat(query("fail")).isEqualTo("E(42601) Z(E)");
        assertThat(query("rows 1")).isEqualTo("E(25P02) Z(E)");
        assertThat(query("COMMIT")).isEqualTo("C(ROLLBACK) Z(I)");
        assertThat(source.log).endsWith("rollback");
    }

    @Test
    void rollbackToSavepointRecoversAFailedBlock() {
        assertThat(query("BEGIN; SAVEPOINT a; insert")).isEqualTo("C(BEGIN) C(SAVEPOINT) C(INSERT 0 1) Z(T)");
        assertThat(query("fail")).isEqualTo("E(42601) Z(E)");
        assertThat(query("ROLLBACK TO SAVEPOINT a")).isEqualTo("C(ROLLBACK) Z(T)");
        assertThat(query("RELEASE a")).isEqualTo("C(RELEASE) Z(T)");
        assertThat(query("ROLLBACK TO b")).isEqualTo("E(3B001) Z(E)");
        assertThat(query("END")).isEqualTo("C(ROLLBACK) Z(I)");
    }

    @Test
    void warnsAboutTransactionCommandsOutsideABlockAsPostgresDoes() {
        assertThat(query("COMMIT")).isEqualTo("N(25P01) C(COMMIT) Z(I)");
        assertThat(query("ROLLBACK")).isEqualTo("N(25P01) C(ROLLBACK) Z(I)");
        assertThat(query("SAVEPOINT x")).isEqualTo("E(25P01) Z(I)");
        assertThat(query("BEGIN; BEGIN")).isEqualTo("C(BEGIN) N(25001) C(BEGIN) Z(T)");
    }

    @Test
    void beginInsideAMultiStatementQueryMakesTheBlockExplicit() {
        assertThat(query("insert; BEGIN; insert")).isEqualTo("C(INSERT 0 1) C(BEGIN) C(INSERT 0 1) Z(T)");
        assertThat(source.log).containsExactly("begin read committed", "prepare insert", "insert", "prepare insert", "insert");
    }

    @Test
    void setAndShowFollowTransactionsAndReportChangesBeforeReadyForQuery() {
        assertThat(query("SET TimeZone = 'Europe/Berlin'")).isEqualTo("C(SET) S(TimeZone=Europe/Berlin) Z(I)");
        assertThat(query("SHOW timezone")).isEqualTo("T[TimeZone] D[Europe/Berlin] C(SHOW) Z(I)");
        assertThat(query("BEGIN; SET datestyle TO german; ROLLBACK")).isEqualTo("C(BEGIN) C(SET) C(ROLLBACK) Z(I)");
        assertThat(query("SHOW DateStyle")).isEqualTo("T[DateStyle] D[ISO, MDY] C(SHOW) Z(I)");
        assertThat(query("SET nonsense = 1")).isEqualTo("E(42704) Z(I)");
        assertThat(query("SET my.custom = 'x'; SHOW my.custom")).isEqualTo("C(SET) T[my.custom] D[x] C(SHOW) Z(I)");
        assertThat(query("SET server_version = '1'")).isEqualTo("E(55P02) Z(I)");
        assertThat(query("SET extra_float_digits = -3; SHOW extra_float_digits"))
                .isEqualTo("C(SET) T[extra_float_digits] D[-3] C(SHOW) Z(I)");
    }

    @Test
    void suspendsAPortalAtTheRowLimitAndResumesIt() {
        String out = run(new FrontendMessage.Parse("", "rows 3", new int[0]),
                new FrontendMessage.Bind("p", "", new short[0], new byte[0][], new short[0]),
                new FrontendMessage.Execute("p", 2), new FrontendMessage.Execute("p", 2), new FrontendMessage.Sync());
        assertThat(out).isEqualTo("ParseComplete BindComplete D[1] D[2] PortalSuspended D[3] C(SELECT 1) Z(I)");
    }

    @Test
    void discardsMessagesAfterAnErrorUntilSync() {
        String out = run(new FrontendMessage.Parse("", "fail", new int[0]),
                new FrontendMessage.Bind("", "", new short[0], new byte[0][], new short[0]),
                new FrontendMessage.Execute("", 0), new FrontendMessage.Sync(),
                new FrontendMessage.Parse("", "rows 1", new int[0]),
                new FrontendMessage.Bind("", "", new short[0], new byte[0][], new short[0]),
                new FrontendMessage.Execute("", 0), new FrontendMessage.Sync());
        assertThat(out).isEqualTo("E(42601) Z(I) ParseComplete BindComplete D[1] C(SELECT 1) Z(I)");
    }

    @Test
    void checksBindAgainstTheStatement() {
        String out = run(new FrontendMessage.Parse("s", "echo $1", new int[] {23}),
                new FrontendMessage.Bind("", "s", new short[0], new byte[0][], new short[0]), new FrontendMessage.Sync(),
                new FrontendMessage.Bind("", "nope", new short[0], new byte[0][], new short[0]), new FrontendMessage.Sync(),
                new FrontendMessage.Parse("s", "echo", new int[0]), new FrontendMessage.Sync());
        assertThat(out).isEqualTo("ParseComplete E(08P01) Z(I) E(26000) Z(I) E(42P05) Z(I)");
    }

    @Test
    void refusesSeveralCommandsInOnePreparedStatement() {
        assertThat(run(new FrontendMessage.Parse("", "rows 1; rows 2", new int[0]), new FrontendMessage.Sync()))
                .isEqualTo("E(42601) Z(I)");
    }

    @Test
    void keepsTheExtendedProtocolInOneImplicitTransactionUntilSync() {
        run(new FrontendMessage.Parse("", "insert", new int[0]),
                new FrontendMessage.Bind("", "", new short[0], new byte[0][], new short[0]),
                new FrontendMessage.Execute("", 0),
                new FrontendMessage.Bind("", "", new short[0], new byte[0][], new short[0]),
                new FrontendMessage.Execute("", 0), new FrontendMessage.Sync());
        assertThat(source.log).containsExactly("prepare insert", "begin read committed", "insert", "insert", "commit");
    }

    @Test
    void reportsAProtocolViolationForMalformedMessageContentAndGoesOn() {
        String out = run(new FrontendMessage.Invalid(new PgException("08P01", "invalid string in message")),
                new FrontendMessage.Sync(), new FrontendMessage.Query("rows 1"));
        assertThat(out).isEqualTo("E(08P01) Z(I) T[n] D[1] C(SELECT 1) Z(I)");
    }

    private static final class TestContext implements io.slotway.api.source.SessionContext {
        @Override public String user() { return "u"; }
        @Override public String database() { return "d"; }
        @Override public int backendPid() { return 1; }
        @Override public String setting(String name) { return null; }
        @Override public io.slotway.api.types.SessionFormat format() { return io.slotway.api.types.SessionFormat.DEFAULT; }
        @Override public void notice(PgException notice) { }
    }
}
