package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The startup phase, compared message by message with a real PostgreSQL 15. */
class StartupConformanceIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("startup-conformance");

    private static List<RawClient.Message> startup(int port, int version, Map<String, String> params) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.startup(version, params);
            return c.readUntilReadyOrFatal();
        }
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The message types in order, with ParameterStatus names. */
    private static List<String> shape(List<RawClient.Message> messages) {
        List<String> out = new ArrayList<>();
        for (RawClient.Message m : messages) {
            out.add(m.type() == 'S' ? "S:" + m.parameter()[0] : String.valueOf(m.type()));
        }
        return out;
    }

    @Test
    void reportsTheSameParametersInTheSameOrderAsPostgres() throws Exception {
        Map<String, String> p = params("user", "postgres", "database", "postgres", "application_name", "startup-it",
                "client_encoding", "UTF8", "DateStyle", "ISO", "TimeZone", "Etc/UTC", "extra_float_digits", "3");
        List<RawClient.Message> pg = startup(PgOracle.get().port(), 196608, p);
        List<RawClient.Message> sw = startup(slotway.port(), 196608, p);
        assertThat(shape(sw)).isEqualTo(shape(pg));
        for (int i = 0; i < pg.size(); i++) {
            if (pg.get(i).type() == 'S') {
                String name = pg.get(i).parameter()[0];
                if (!name.equals("server_version")) {
                    assertThat(sw.get(i).parameter()[1]).as(name).isEqualTo(pg.get(i).parameter()[1]);
                }
            }
        }
    }

    @Test
    void refusesBadStartupsWithPostgresErrors() throws Exception {
        List<Object[]> cases = List.of(
                new Object[] {196608, params("user", "nobody", "database", "postgres")},
                new Object[] {196608, params("user", "postgres", "database", "nodb")},
                new Object[] {196608, params("database", "postgres")},
                new Object[] {196608, params("user", "postgres", "no_such_parameter", "1")},
                new Object[] {196608, params("user", "postgres", "replication", "maybe")},
                new Object[] {196608, params("user", "postgres", "options", "-c extra_float_digits=99")},
                new Object[] {196608, params("user", "postgres", "options", "bogus")},
                new Object[] {(4 << 16), params("user", "postgres")});
        for (Object[] c : cases) {
            List<RawClient.Message> pg = startup(PgOracle.get().port(), (int) c[0], (Map<String, String>) c[1]);
            List<RawClient.Message> sw = startup(slotway.port(), (int) c[0], (Map<String, String>) c[1]);
            RawClient.Message pgError = pg.get(pg.size() - 1);
            RawClient.Message swError = sw.get(sw.size() - 1);
            assertThat(pgError.type()).isEqualTo('E');
            assertThat(swError.type()).as("%s", c[1]).isEqualTo('E');
            for (char field : new char[] {'S', 'V', 'C', 'M', 'D', 'H'}) {
                assertThat(swError.fields().get(field)).as("field %s for %s %s", field, c[0], c[1])
                        .isEqualTo(pgError.fields().get(field));
            }
        }
    }

    @Test
    void answersProtocolTwoClientsInProtocolTwosFormAsPostgresDoes() throws Exception {
        byte[] startup = {0, 0, 0, 23, 0, 2, 0, 0, 'u', 's', 'e', 'r', 0, 'p', 'o', 's', 't', 'g', 'r', 'e', 's', 0, 0};
        byte[][] replies = new byte[2][];
        int[] ports = {PgOracle.get().port(), slotway.port()};
        for (int i = 0; i < 2; i++) {
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), ports[i])) {
                s.setSoTimeout(15_000);
                s.getOutputStream().write(startup);
                replies[i] = s.getInputStream().readAllBytes();
            }
        }
        assertThat(new String(replies[1], java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(replies[0], java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void negotiatesNewerMinorVersionsAndUnknownProtocolOptionsAsPostgresDoes() throws Exception {
        Map<String, String> p = params("user", "postgres", "database", "postgres", "_pq_.something", "x");
        List<RawClient.Message> pg = startup(PgOracle.get().port(), 196608 + 1, p);
        List<RawClient.Message> sw = startup(slotway.port(), 196608 + 1, p);
        assertThat(sw.get(0).type()).isEqualTo('v');
        assertThat(sw.get(0).body()).isEqualTo(pg.get(0).body());
        assertThat(shape(sw)).isEqualTo(shape(pg));
    }

    @Test
    void answersTooLongAStartupPacketAsPostgresDoes() throws Exception {
        for (int port : new int[] {PgOracle.get().port(), slotway.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.sendRaw(new byte[] {0, 0, 0x4e, 0x21, 0, 3, 0, 0});
                // PostgreSQL logs "invalid length of startup packet" and closes without a reply
                assertThat(c.readUntilReadyOrFatal()).isEmpty();
            }
        }
    }
}
