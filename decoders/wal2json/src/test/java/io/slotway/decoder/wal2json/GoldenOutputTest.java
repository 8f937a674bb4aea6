package io.slotway.decoder.wal2json;

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
 * The golden workload's change stream ({@link GoldenWorkload}) decoded by the plugin under the four option
 * sets of {@code golden/capture.sh}, compared with what PostgreSQL 15's wal2json 2.5 wrote for it
 * ({@code golden/out/w2j_*.txt}, {@code pg_recvlogical -f}: each message followed by a newline) and with
 * the WARNINGs pg_recvlogical printed ({@code w2j_*.stderr}).
 */
class GoldenOutputTest {
    private static final Path GOLDEN = Paths.get(System.getProperty("slotway.shared", "../../../shared"), "pg-reference", "golden");

    static final String[] V1_OPTS = {"include-xids", "1", "include-timestamp", "1", "include-lsn", "1",
        "include-typmod", "1", "include-type-oids", "1", "include-not-null", "1", "include-pk", "1", "pretty-print", "1"};
    static final String[] V2 = {"format-version", "2"};
    static final String[] V2_OPTS = {"format-version", "2", "include-xids", "1", "include-timestamp", "1",
        "include-lsn", "1", "include-type-oids", "1", "include-typmod", "1", "include-not-null", "1", "include-pk", "1",
        "include-default", "1"};

    /** The plugin's output as pg_recvlogical writes it, and its warnings as pg_recvlogical prints them. */
    record Run(byte[] file, String stderr) {}

    static Run decode(String... options) throws PgException {
        Fakes.Context context = new Fakes.Context(Fakes.options(options));
        PluginSession session = new Wal2Json().startup(context);
        Fakes.Writer out = new Fakes.Writer();
        GoldenWorkload.replay(session, GoldenWorkload.steps(), out);
        StringBuilder stderr = new StringBuilder();
        for (PgException notice : context.notices()) {
            stderr.append(notice.severity()).append(":  ").append(notice.getMessage()).append('\n');
        }
        return new Run(out.asRecvlogicalFile(), stderr.toString());
    }

    private static byte[] golden(String name) throws IOException {
        return Files.readAllBytes(GOLDEN.resolve("out").resolve(name));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void defaultOptionsGiveW2jV1ByteForByte() throws Exception {
        assertThat(text(decode().file())).isEqualTo(text(golden("w2j_v1.txt")));
    }

    @Test
    void defaultOptionsWarnAsW2jV1Stderr() throws Exception {
        assertThat(decode().stderr()).isEqualTo(text(golden("w2j_v1.stderr")));
    }

    @Test
    void defaultOptionsReproduceTheCommaBeforeANonTransactionalMessage() throws Exception {
        assertThat(text(decode().file())).contains(
                "{\"change\":[,{\"kind\":\"message\",\"transactional\":false,\"prefix\":\"golden\",\"content\":\"non-transactional message\"}]}\n");
    }

    @Test
    void prettyPrintedOptionsGiveW2jV1OptsAfterNormalisation() throws Exception {
        Run run = decode(V1_OPTS);
        assertThat(normalise(run.file())).containsExactlyElementsOf(normalise(golden("w2j_v1_opts.txt")));
        assertThat(run.stderr()).isEqualTo(text(golden("w2j_v1_opts.stderr")));
    }

    @Test
    void formatVersionTwoGivesW2jV2ByteForByte() throws Exception {
        Run run = decode(V2);
        assertThat(text(run.file())).isEqualTo(text(golden("w2j_v2.txt")));
        assertThat(run.stderr()).isEqualTo(text(golden("w2j_v2.stderr")));
    }

    @Test
    void formatVersionTwoWithOptionsGivesW2jV2OptsAfterNormalisationExceptDefaultExpressions() throws Exception {
        Run run = decode(V2_OPTS);
        // Slotway's relations carry no default expressions: the one column with a DEFAULT (c_added) shows null
        String expected = text(golden("w2j_v2_opts.txt")).replace("\"default\":\"'dflt'::text\"", "\"default\":null");
        assertThat(text(golden("w2j_v2_opts.txt"))).contains("\"default\":\"'dflt'::text\"");
        assertThat(normalise(run.file())).containsExactlyElementsOf(normalise(expected.getBytes(StandardCharsets.UTF_8)));
        assertThat(run.stderr()).isEqualTo(text(golden("w2j_v2_opts.stderr")));
    }

    @Test
    void goldenPeekFilesHoldTheSameDocumentsAsTheStreamedFiles() throws Exception {
        for (String slot : List.of("w2j_v1", "w2j_v1_opts", "w2j_v2", "w2j_v2_opts")) {
            List<String> peeked = new ArrayList<>();
            for (String row : text(golden(slot + ".peek.tsv")).split("\n")) {
                peeked.add(unescapeCopy(row.split("\t", 3)[2]));
            }
            String streamed = text(golden(slot + ".txt"));
            assertThat(String.join("\n", peeked) + "\n").as(slot).isEqualTo(streamed);
        }
    }

    /** COPY text format's escapes. */
    static String unescapeCopy(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'v' -> b.append('\u000B');
                    default -> b.append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---- golden/normalise.py, text mode, the wal2json rules ----

    private static final String LSN_RE = "[0-9A-F]{1,8}/[0-9A-F]{1,8}";
    private static final String TS_RE = "\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:[+-]\\d\\d(?::?\\d\\d)?)?";
    private static final Pattern XID = Pattern.compile("(\"xid\"\\s*:\\s*)(\\d+)");
    private static final Pattern LSN = Pattern.compile("(\"(?:next)?lsn\"\\s*:\\s*\")(" + LSN_RE + ")(\")");
    private static final Pattern TS = Pattern.compile("(\"timestamp\"\\s*:\\s*\")(" + TS_RE + ")(\")");

    /** The lines of a pg_recvlogical file with xids, LSNs and commit times replaced, as normalise.py does. */
    static List<String> normalise(byte[] file) {
        Map<String, Integer> xids = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String line : text(file).split("\n", -1)) {
            Matcher m = XID.matcher(line);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                int n = xids.computeIfAbsent(m.group(2), k -> xids.size() + 1);
                m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + "<XID#" + n + ">"));
            }
            m.appendTail(b);
            line = LSN.matcher(b.toString()).replaceAll("$1<LSN>$3");
            line = TS.matcher(line).replaceAll("$1<TS>$3");
            out.add(line);
        }
        return out;
    }
}
