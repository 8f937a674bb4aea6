package io.slotway.decoder.testdecoding;

import io.slotway.decoder.testkit.Fakes;
import io.slotway.decoder.testkit.GoldenWorkload;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.api.decoding.PluginSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The golden workload's change stream ({@link GoldenWorkload}) decoded by the plugin, compared with what
 * PostgreSQL 15's test_decoding wrote for it ({@code golden/out/td_*.txt}, {@code pg_recvlogical -f}: each
 * message followed by a newline): after golden/normalise.py's normalisation, and byte for byte when fed the
 * capture's own xids and commit times.
 */
class GoldenOutputTest {
    private static final Path GOLDEN = Paths.get(System.getProperty("slotway.shared", "../../../shared"), "pg-reference", "golden");

    private static byte[] decode(Map<String, String> options) throws PgException {
        PluginSession session = new TestDecoding().startup(new Fakes.Context(options));
        Fakes.Writer out = new Fakes.Writer();
        GoldenWorkload.replay(session, GoldenWorkload.steps(), out);
        return out.asRecvlogicalFile();
    }

    private static byte[] golden(String name) throws IOException {
        return Files.readAllBytes(GOLDEN.resolve("out").resolve(name));
    }

    @Test
    void defaultOptionsGiveTdDefaultAfterNormalisation() throws Exception {
        assertThat(normalise(decode(Map.of()))).containsExactlyElementsOf(normalise(golden("td_default.txt")));
    }

    @Test
    void defaultOptionsGiveTdDefaultByteForByteWithTheCapturesXids() throws Exception {
        assertThat(new String(decode(Map.of()), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(golden("td_default.txt"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void goldenOptionsGiveTdOptsAfterNormalisation() throws Exception {
        byte[] out = decode(Fakes.options("include-xids", "0", "include-timestamp", "1", "skip-empty-xacts", "1"));
        assertThat(normalise(out)).containsExactlyElementsOf(normalise(golden("td_opts.txt")));
    }

    @Test
    void goldenOptionsGiveTdOptsByteForByteWithTheCapturesCommitTimes() throws Exception {
        byte[] out = decode(Fakes.options("include-xids", "0", "include-timestamp", "1", "skip-empty-xacts", "1"));
        assertThat(new String(out, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(golden("td_opts.txt"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void goldenFilesHaveTheTransactionCountsTheReadmeStates() throws Exception {
        assertThat(normalise(golden("td_default.txt"))).filteredOn(l -> l.startsWith("BEGIN")).hasSize(29);
        assertThat(normalise(golden("td_opts.txt"))).filteredOn(l -> l.startsWith("BEGIN")).hasSize(26);
    }

    // ---- golden/normalise.py, text mode, the test_decoding rules ----

    private static final Pattern XID_LINE = Pattern.compile("^(BEGIN|COMMIT|PREPARE TRANSACTION|COMMIT PREPARED|ROLLBACK PREPARED) (\\d+)");
    private static final String TS_RE = "\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:[+-]\\d\\d(?::?\\d\\d)?)?";
    private static final Pattern AT_TS = Pattern.compile("\\(at " + TS_RE + "\\)");
    private static final Pattern MESSAGE_LSN = Pattern.compile("^(message: lsn: )([0-9A-F]{1,8}/[0-9A-F]{1,8})");

    /** The lines of a pg_recvlogical file (bytes kept as Latin-1 characters) with xids and times replaced. */
    static List<String> normalise(byte[] file) {
        Map<String, Integer> xids = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String line : new String(file, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            Matcher m = XID_LINE.matcher(line);
            if (m.find()) {
                int n = xids.computeIfAbsent(m.group(2), k -> xids.size() + 1);
                line = m.group(1) + " <XID#" + n + ">" + line.substring(m.end());
            }
            line = AT_TS.matcher(line).replaceAll("(at <TS>)");
            line = MESSAGE_LSN.matcher(line).replaceAll("$1<LSN>");
            out.add(line);
        }
        return out;
    }
}
