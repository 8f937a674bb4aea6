package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Tuple;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The golden setup (without publications) and the whole golden workload run through the SPI; what reaches
 * the sink, written out as test_decoding writes it with default options, must be PostgreSQL 15's
 * {@code td_default.txt} (xids aside): every transaction, change, old tuple, unchanged-TOAST marker and message.
 */
class GoldenCaptureTest extends CaptureFixture {

    static List<String> setup() throws Exception {
        List<String> out = new ArrayList<>();
        for (String s : PgLexer.splitStatements(Files.readString(GoldenWorkloadTest.golden().resolve("setup.sql")))) {
            String u = s.toUpperCase(Locale.ROOT);
            if (!u.startsWith("SET ") && !u.startsWith("CREATE PUBLICATION")) {
                out.add(s);
            }
        }
        return out;
    }

    static List<String> workload() throws Exception {
        List<String> out = new ArrayList<>();
        for (String s : PgLexer.splitStatements(Files.readString(GoldenWorkloadTest.golden().resolve("workload.sql")))) {
            if (!s.toUpperCase(Locale.ROOT).startsWith("SET ")) {
                out.add(s);
            }
        }
        return out;
    }

    void spi(String s) throws Exception {
        String u = s.toUpperCase(Locale.ROOT);
        if (u.equals("BEGIN")) {
            session.begin(TransactionMode.DEFAULT);
        } else if (u.equals("COMMIT")) {
            session.commit();
        } else if (u.equals("ROLLBACK")) {
            session.rollback();
        } else if (u.startsWith("SAVEPOINT ")) {
            session.savepoint(s.substring(10).trim());
        } else if (u.startsWith("ROLLBACK TO SAVEPOINT ")) {
            session.rollbackToSavepoint(s.substring(22).trim());
        } else if (u.startsWith("RELEASE SAVEPOINT ")) {
            session.releaseSavepoint(s.substring(18).trim());
        } else {
            Sessions.run(session, s);
        }
    }

    @Test
    void theGoldenWorkloadReachesTheSinkAsPostgresDecodesIt() throws Exception {
        for (String s : setup()) {
            spi(s);
        }
        int first = sink.committed.size();
        int firstMessage = sink.messages.size();
        for (String s : workload()) {
            spi(s);
        }
        byte[] expected = Files.readAllBytes(GoldenWorkloadTest.golden().resolve("out").resolve("td_default.txt"));
        String want = new String(expected, StandardCharsets.ISO_8859_1).replaceAll("(?m)^(BEGIN|COMMIT) \\d+$", "$1");
        String got = new String(render(first, firstMessage), StandardCharsets.ISO_8859_1);
        if (!got.equals(want)) {
            Files.write(dir.getParent().resolve("td_capture_got.txt"), got.getBytes(StandardCharsets.ISO_8859_1));
            Files.write(dir.getParent().resolve("td_capture_want.txt"), want.getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(got.equals(want)).as("decoded capture equals td_default.txt; see td_capture_got.txt / td_capture_want.txt beside the temp dir").isTrue();
    }

    @Test
    void theUnchangedToastedColumnsOfRowSixAreMarkedAndTheOthersAreNot() throws Exception {
        for (String s : setup()) {
            spi(s);
        }
        for (String s : workload()) {
            spi(s);
            if (s.startsWith("UPDATE gw_types SET c_int = 42")) {
                break;
            }
        }
        Change.Update u = (Change.Update) lastChanges().get(0);
        List<String> names = u.relation().columns().stream().map(Column::name).toList();
        Tuple t = u.newTuple();
        assertThat(t.get(names.indexOf("c_text"))).isSameAs(Tuple.UNCHANGED_TOAST);
        assertThat(t.get(names.indexOf("c_bytea"))).isSameAs(Tuple.UNCHANGED_TOAST);
        assertThat(t.get(names.indexOf("c_int"))).isEqualTo(42);
        assertThat(u.oldTuple()).isNull();
    }

    // ------------------------------------------------------------------------------------ test_decoding's text

    private byte[] render(int firstTx, int firstMessage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<FakeSink.Tx> txs = sink.committed.subList(firstTx, sink.committed.size());
        List<FakeSink.Message> msgs = sink.messages.subList(firstMessage, sink.messages.size());
        int m = 0;
        for (int i = 0; i <= txs.size(); i++) {
            while (m < msgs.size() && msgs.get(m).afterCommitted() - firstTx <= i) {
                FakeSink.Message msg = msgs.get(m++);
                line(out, "message: transactional: 0 prefix: " + msg.prefix() + ", sz: " + msg.content().length + " content:", msg.content());
            }
            if (i == txs.size()) {
                break;
            }
            line(out, "BEGIN", null);
            for (Change c : txs.get(i).changes) {
                if (c instanceof Change.Message msg) {
                    line(out, "message: transactional: 1 prefix: " + msg.prefix() + ", sz: " + msg.content().length + " content:", msg.content());
                } else {
                    line(out, change(c), null);
                }
            }
            line(out, "COMMIT", null);
        }
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String text, byte[] raw) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        if (raw != null) {
            out.writeBytes(raw);
        }
        out.write('\n');
    }

    private static String change(Change c) {
        StringBuilder b = new StringBuilder();
        if (c instanceof Change.Insert ins) {
            b.append(table(ins.relation())).append(": INSERT:");
            tuple(b, ins.relation(), ins.newTuple(), false);
        } else if (c instanceof Change.Update up) {
            b.append(table(up.relation())).append(": UPDATE:");
            if (up.oldTuple() != null) {
                b.append(" old-key:");
                tuple(b, up.relation(), up.oldTuple(), true);
                b.append(" new-tuple:");
            }
            tuple(b, up.relation(), up.newTuple(), false);
        } else if (c instanceof Change.Delete del) {
            b.append(table(del.relation())).append(": DELETE:");
            if (del.oldTuple() == null) {
                b.append(" (no-tuple-data)");
            } else {
                tuple(b, del.relation(), del.oldTuple(), true);
            }
        } else if (c instanceof Change.Truncate tr) {
            for (Relation r : tr.relations()) {
                b.append(table(r)).append(": TRUNCATE:");
                b.append(tr.restartIdentity() ? " restart_seqs" : "").append(tr.cascade() ? " cascade" : "");
                b.append(!tr.restartIdentity() && !tr.cascade() ? " (no-flags)" : "");
            }
        }
        return b.toString();
    }

    private static String table(Relation r) {
        return "table " + r.schema() + "." + r.name();
    }

    private static void tuple(StringBuilder b, Relation r, Tuple t, boolean skipNulls) {
        for (int i = 0; i < r.columns().size(); i++) {
            Column col = r.columns().get(i);
            Object v = t.get(i);
            if (v == null && skipNulls) {
                continue;
            }
            PgType type = PgType.byOid(col.typeOid());
            String typeName = type == PgType.BPCHAR ? "character" : new ColumnType(type, -1).displayName();
            b.append(' ').append(col.name()).append('[').append(typeName).append("]:");
            if (v == null) {
                b.append("null");
            } else if (v == Tuple.UNCHANGED_TOAST) {
                b.append("unchanged-toast-datum");
            } else {
                String text = type == PgType.BOOL ? v.toString() : PgValues.toText(type, v, SessionFormat.DEFAULT);
                boolean bare = type == PgType.INT2 || type == PgType.INT4 || type == PgType.INT8 || type == PgType.OID
                        || type == PgType.FLOAT4 || type == PgType.FLOAT8 || type == PgType.NUMERIC || type == PgType.BOOL;
                b.append(bare ? text : "'" + text.replace("'", "''") + "'");
            }
        }
    }
}
