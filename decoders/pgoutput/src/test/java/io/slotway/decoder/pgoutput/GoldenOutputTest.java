package io.slotway.decoder.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.api.change.Publication;
import io.slotway.api.decoding.PluginSession;
import io.slotway.decoder.testkit.Fakes;
import io.slotway.decoder.testkit.GoldenWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The golden workload's change stream ({@link GoldenWorkload}) decoded under the two pgoutput option sets of
 * {@code golden/capture.sh}, with the publications of {@code golden/setup.sql}, compared message by message
 * with what PostgreSQL 15 sent ({@code golden/out/pgo_*.bin}, {@code pg_recvlogical -f}) after rendering both
 * as {@code normalise.py --pgoutput} does (xids, LSNs, commit times and relation OIDs replaced).
 */
class GoldenOutputTest {
    private static final Path GOLDEN = Paths.get(System.getProperty("slotway.shared", "../../../shared"), "pg-reference", "golden");

    /** {@code CREATE PUBLICATION gw_pub FOR TABLE gw_types, gw_full, gw_trunc}. */
    static final Publication GW_PUB = new Publication(16414, "gw_pub", false,
            Set.of(GoldenWorkload.GW_TYPES.oid(), GoldenWorkload.GW_FULL.oid(), GoldenWorkload.GW_TRUNC.oid()), Set.of(),
            true, true, true, true, false);
    /** {@code CREATE PUBLICATION gw_pub_ins FOR TABLE gw_nopk, gw_nothing WITH (publish = 'insert,truncate')}. */
    static final Publication GW_PUB_INS = new Publication(16415, "gw_pub_ins", false,
            Set.of(GoldenWorkload.GW_NOPK.oid(), GoldenWorkload.GW_NOTHING.oid()), Set.of(), true, false, false, true, false);

    static final String[] V1 = {"proto_version", "1", "publication_names", "gw_pub,gw_pub_ins"};
    static final String[] V2_BIN_MSG = {"proto_version", "2", "publication_names", "gw_pub,gw_pub_ins", "messages", "true",
        "binary", "true"};

    static Fakes.Writer decode(TestContext context) throws PgException {
        PluginSession session = new PgOutput().startup(context);
        Fakes.Writer out = new Fakes.Writer();
        GoldenWorkload.replay(session, GoldenWorkload.steps(), out);
        return out;
    }

    private static byte[] golden(String name) throws IOException {
        return Files.readAllBytes(GOLDEN.resolve("out").resolve(name));
    }

    @Test
    void protocolOneGivesPgoV1() throws Exception {
        Fakes.Writer out = decode(new TestContext(V1).with(GW_PUB, GW_PUB_INS));
        assertThat(new Render().all(out.messages)).containsExactlyElementsOf(new Render().recvlogicalFile(golden("pgo_v1.bin")));
    }

    @Test
    void protocolTwoWithBinaryAndMessagesGivesPgoV2BinMsg() throws Exception {
        Fakes.Writer out = decode(new TestContext(V2_BIN_MSG).with(GW_PUB, GW_PUB_INS));
        assertThat(new Render().all(out.messages))
                .containsExactlyElementsOf(new Render().recvlogicalFile(golden("pgo_v2_bin_msg.bin")));
    }

    @Test
    void streamedFileHasTheSameMessagesAsThePeekedRows() throws Exception {
        // the golden capture itself: the SQL interface's rows are the stream's messages, one each
        for (String slot : List.of("pgo_v1", "pgo_v2_bin_msg")) {
            List<byte[]> rows = new ArrayList<>();
            for (String line : new String(golden(slot + ".peek.tsv"), StandardCharsets.US_ASCII).split("\n")) {
                rows.add(HexFormat.of().parseHex(line.split("\t")[2]));
            }
            assertThat(new Render().all(rows)).as(slot).containsExactlyElementsOf(new Render().recvlogicalFile(golden(slot + ".bin")));
        }
    }

    @Test
    void messagesAreLastOfTheirCallbackExceptRelation() throws Exception {
        // OutputPluginPrepareWrite(ctx, last): a Relation message is never the last of its callback
        Fakes.Writer out = decode(new TestContext(V1).with(GW_PUB, GW_PUB_INS));
        for (int i = 0; i < out.messages.size(); i++) {
            assertThat(out.lastFlags.get(i)).as("message %d", i).isEqualTo(out.messages.get(i)[0] != 'R');
        }
    }

    @Test
    void withoutTheInsertPublicationItsTablesAreNotSent() throws Exception {
        TestContext context = new TestContext("proto_version", "1", "publication_names", "gw_pub").with(GW_PUB);
        List<String> lines = new Render().all(decode(context).messages);
        List<String> golden = new Render().recvlogicalFile(golden("pgo_v1.bin"));
        assertThat(lines).noneMatch(l -> l.contains("gw_nopk") || l.contains("gw_nothing"));
        // the two transactions that only insert into gw_nopk and gw_nothing are skipped whole
        assertThat(lines.stream().filter(l -> l.startsWith("BEGIN")).count())
                .isEqualTo(golden.stream().filter(l -> l.startsWith("BEGIN")).count() - 2);
    }
}
