package io.slotway.itests.watchers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotway.itests.clients.SlotwayProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ddl-messages watcher, deployed into a running Slotway: every DDL becomes a transactional
 * {@code slotway.ddl} message, and test_decoding, wal2json (formats 1 and 2) and pgoutput (with
 * {@code messages}) all show the same sequence of data changes and schema changes, in order.
 */
class DdlMessagesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Data and schema changes, in commit order; each DDL runs on its own, as the watcher sees it. */
    private static final List<String> WORKLOAD = List.of(
            "INSERT INTO base VALUES (1)",
            "CREATE TABLE extra (id int PRIMARY KEY, v text)",
            "INSERT INTO extra VALUES (10, 'ten')",
            "ALTER TABLE extra ADD COLUMN w integer",
            "INSERT INTO extra VALUES (11, 'eleven', 11)",
            "INSERT INTO base VALUES (2)",
            "DROP TABLE extra",
            "INSERT INTO base VALUES (3)");

    /** What every plugin must show: "insert <table>" or "ddl <tag> <table>", in order. */
    private static final List<String> EXPECTED = List.of(
            "insert base",
            "ddl CREATE TABLE extra",
            "insert extra",
            "ddl ALTER TABLE extra",
            "insert extra",
            "insert base",
            "ddl DROP TABLE extra",
            "insert base");

    @Test
    void schemaChangesReachEveryPluginInOrderWithTheData() throws Exception {
        Path work = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("ddl-messages");
        try (PrivateSlotway sw = PrivateSlotway.start(work, home -> { });
             Connection c = SlotwayProcess.connect(sw.port); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE base (id int PRIMARY KEY)");
            s.execute("CREATE PUBLICATION allpub FOR ALL TABLES");
            sw.deploy("io.slotway.watcher.ddlmessages");
            sw.awaitLog(l -> l.contains("schema-change watcher ddl-messages") && l.contains("is active"), 60);
            for (String slot : List.of("td:test_decoding", "w1:wal2json", "w2:wal2json", "po:pgoutput")) {
                String[] p = slot.split(":");
                s.execute("SELECT pg_create_logical_replication_slot('" + p[0] + "', '" + p[1] + "')");
            }
            for (String sql : WORKLOAD) {
                s.execute(sql);
            }
            assertThat(testDecoding(s)).as("test_decoding").isEqualTo(EXPECTED);
            assertThat(wal2json(s, "w1", "1")).as("wal2json format 1").isEqualTo(EXPECTED);
            assertThat(wal2json(s, "w2", "2")).as("wal2json format 2").isEqualTo(EXPECTED);
            assertThat(pgoutput(s)).as("pgoutput").isEqualTo(EXPECTED);
        } finally {
            if (Files.exists(work.resolve("slotway.log"))) {
                System.out.println(Files.readString(work.resolve("slotway.log")).lines().filter(l -> l.contains("ERROR")).toList());
            }
        }
    }

    private static String ddl(byte[] content) throws Exception {
        JsonNode m = JSON.readTree(content);
        JsonNode obj = m.get("objects").get(0);
        return "ddl " + m.get("command_tag").asText() + " " + obj.get("name").asText();
    }

    private static List<String> testDecoding(Statement s) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_changes('td', NULL, NULL)")) {
            while (rs.next()) {
                String d = rs.getString(1);
                if (d.startsWith("table public.")) {
                    String table = d.substring("table public.".length(), d.indexOf(':'));
                    out.add(d.contains(": INSERT:") ? "insert " + table : d);
                } else if (d.startsWith("message: transactional: 1 prefix: slotway.ddl, sz: ")) {
                    out.add(ddl(d.substring(d.indexOf("content:") + "content:".length()).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    private static List<String> wal2json(Statement s, String slot, String format) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_changes('" + slot + "', NULL, NULL,"
                + " 'format-version', '" + format + "')")) {
            while (rs.next()) {
                JsonNode n = JSON.readTree(rs.getString(1));
                List<JsonNode> items = new ArrayList<>();
                if (n.has("change")) {
                    n.get("change").forEach(items::add); // format 1: one document per transaction
                } else {
                    items.add(n); // format 2: one document per change
                }
                for (JsonNode item : items) {
                    String kind = item.has("kind") ? item.get("kind").asText() : item.path("action").asText();
                    if (kind.equals("insert") || kind.equals("I")) {
                        out.add("insert " + item.get("table").asText());
                    } else if ((kind.equals("message") || kind.equals("M")) && item.get("prefix").asText().equals("slotway.ddl")) {
                        out.add(ddl(item.get("content").asText().getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return out;
    }

    /** pgoutput protocol 1 with messages, decoded from the binary messages. */
    private static List<String> pgoutput(Statement s) throws Exception {
        List<String> out = new ArrayList<>();
        Map<Integer, String> relations = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes('po', NULL, NULL,"
                + " 'proto_version', '1', 'publication_names', 'allpub', 'messages', 'true')")) {
            while (rs.next()) {
                ByteBuffer b = ByteBuffer.wrap(rs.getBytes(1));
                char type = (char) b.get();
                switch (type) {
                    case 'R' -> {
                        int oid = b.getInt();
                        cstring(b); // namespace
                        relations.put(oid, cstring(b));
                    }
                    case 'I' -> out.add("insert " + relations.get(b.getInt()));
                    case 'M' -> {
                        b.get(); // flags
                        b.getLong(); // lsn
                        String prefix = cstring(b);
                        byte[] content = new byte[b.getInt()];
                        b.get(content);
                        if (prefix.equals("slotway.ddl")) {
                            out.add(ddl(content));
                        }
                    }
                    default -> { }
                }
            }
        }
        return out;
    }

    private static String cstring(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // to the terminator
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }
}
