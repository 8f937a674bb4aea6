package io.slotway.decoder.wal2json;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import io.slotway.decoder.testkit.Fakes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** What the golden files and the oracle do not reach: origins, chunk boundaries, unknown types, type modifiers. */
class SessionTest {
    private static final Relation T = new Relation(1, "public", "t", 'd', List.of(
            new Column("a", PgType.INT4.oid(), -1, true, true), new Column("x", 999_999, -1, false, false)));

    private static Transaction txn(String origin) {
        return new Transaction(4_294_967_295L, Lsn.of(0x100), Lsn.of(0x200), Lsn.of(0x220), Instant.EPOCH, origin);
    }

    private static Fakes.Writer run(Transaction txn, String... options) throws Exception {
        PluginSession s = new Wal2Json().startup(new Fakes.Context(Fakes.options(options)));
        Fakes.Writer out = new Fakes.Writer();
        s.begin(txn, out);
        s.change(txn, Lsn.of(0x180), new Change.Insert(T, new Tuple(1, "raw")), out);
        s.change(txn, Lsn.of(0x190), new Change.Message(true, "p", "c".getBytes(StandardCharsets.UTF_8)), out);
        s.commit(txn, out);
        return out;
    }

    @Test
    void writeInChunksSendsHeadEachChangeAndTailAsMessagesOfTheirOwn() throws Exception {
        Fakes.Writer out = run(txn(null), "write-in-chunks", "1");
        assertThat(out.lines()).containsExactly("{\"change\":[",
                "{\"kind\":\"insert\",\"schema\":\"public\",\"table\":\"t\",\"columnnames\":[\"a\",\"x\"],"
                        + "\"columntypes\":[\"integer\",\"???\"],\"columnvalues\":[1,\"raw\"]}",
                ",{\"kind\":\"message\",\"transactional\":true,\"prefix\":\"p\",\"content\":\"c\"}", "]}");
        assertThat(out.lastFlags).containsOnly(true);
    }

    @Test
    void aTransactionFromAFilteredOriginKeepsOnlyBeginAndCommit() throws Exception {
        assertThat(run(txn("7"), "filter-origins", "3, 7", "include-origin", "1").lines())
                .containsExactly("{\"origin\":7,\"change\":[]}");
        assertThat(run(txn("7"), "format-version", "2", "filter-origins", "7", "include-origin", "1").lines())
                .containsExactly("{\"action\":\"B\",\"origin\":7}", "{\"action\":\"C\",\"origin\":7}");
        assertThat(run(txn("8"), "filter-origins", "7", "include-xids", "1").lines()).hasSize(1)
                .allMatch(l -> l.startsWith("{\"xid\":4294967295,\"change\":[{\"kind\":\"insert\""));
    }

    @Test
    void aLocalTransactionHasOriginZero() throws Exception {
        assertThat(run(txn(null), "format-version", "2", "include-origin", "1", "add-tables", "").lines())
                .containsExactly("{\"action\":\"B\",\"origin\":0}", "{\"action\":\"M\",\"origin\":0,\"transactional\":true,"
                        + "\"prefix\":\"p\",\"content\":\"c\"}", "{\"action\":\"C\",\"origin\":0}");
    }

    @Test
    void aNonTransactionalMessageHasNullXidTimestampAndOriginInVersionTwo() throws Exception {
        PluginSession s = new Wal2Json().startup(new Fakes.Context(Fakes.options("format-version", "2",
                "include-xids", "1", "include-timestamp", "1", "include-origin", "1", "include-lsn", "1")));
        Fakes.Writer out = new Fakes.Writer();
        s.message(Lsn.of(0x1_0000_0010L), new Change.Message(false, "p\u0001", new byte[] {'a', (byte) 0xC3, (byte) 0xA9, 0, 'z'}), out);
        assertThat(out.messages.get(0)).isEqualTo(("{\"action\":\"M\",\"xid\":null,\"timestamp\":null,\"origin\":null,"
                + "\"lsn\":\"1/10\",\"transactional\":false,\"prefix\":\"p\\u0001\",\"content\":\"aé\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void typeModifiersAreWrittenAsFormatTypeWritesThem() {
        int dayToSecond = (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12);
        assertThat(PgTypeNames.formatType(PgType.INTERVAL.oid(), ((1 << 2) | (1 << 1)) << 16 | 0xFFFF)).isEqualTo("interval year to month");
        assertThat(PgTypeNames.formatType(PgType.INTERVAL.oid(), dayToSecond << 16 | 0xFFFF)).isEqualTo("interval day to second");
        assertThat(PgTypeNames.formatType(PgType.INTERVAL.oid(), (1 << 11) << 16 | 0xFFFF)).isEqualTo("interval minute");
        assertThat(PgTypeNames.formatType(PgType.INTERVAL_ARRAY.oid(), 0x7FFF << 16 | 6)).isEqualTo("interval(6)[]");
        assertThat(PgTypeNames.formatType(PgType.NUMERIC.oid(), (10 << 16 | 2) + 4)).isEqualTo("numeric(10,2)");
        assertThat(PgTypeNames.formatType(PgType.BPCHAR_ARRAY.oid(), -1)).isEqualTo("bpchar[]");
        assertThat(PgTypeNames.formatType(PgType.CHAR_ARRAY.oid(), -1)).isEqualTo("\"char\"[]");
        assertThat(PgTypeNames.formatType(PgType.TIMETZ.oid(), -1)).isEqualTo("time with time zone");
        assertThat(PgTypeNames.formatType(PgType.TIMESTAMP.oid(), 0)).isEqualTo("timestamp(0) without time zone");
        assertThat(PgTypeNames.formatType(123_456, -1)).isEqualTo("???");
        assertThat(PgTypeNames.typname(PgType.INT4_ARRAY.oid())).isEqualTo("_int4");
    }

    @Test
    void listValuesAreSplitAsWal2jsonSplitsThem() {
        assertThat(Lists.split("  a , b\\,c ,d\\ e", true)).containsExactly("a", "b\\,c", "d\\ e");
        assertThat(Lists.split("", true)).isEmpty();
        assertThat(Lists.split(" \t ", true)).isEmpty();
        assertThat(Lists.split("a,", true)).isNull();
        assertThat(Lists.split("a,", false)).containsExactly("a", "");
        assertThat(Lists.atoi(" 12abc")).isEqualTo(12);
        assertThat(Lists.atoi("x")).isZero();
    }
}
