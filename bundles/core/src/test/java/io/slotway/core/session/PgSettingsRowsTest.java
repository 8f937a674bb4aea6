package io.slotway.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pg_settings' rows from a session's parameters, in PostgreSQL's units, with their sources and reset values. */
class PgSettingsRowsTest {
    private static Object[] row(Settings s, String name) {
        for (Object[] r : s.pgSettings()) {
            if (r[0].equals(name)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void valuesInTheParametersUnitAndSources() throws PgException {
        Settings s = new Settings(Map.of("max_connections", "50"));
        s.set("application_name", "app", false, false); // the startup packet
        s.startupDone();
        assertThat(row(s, "application_name")).containsExactly("application_name", "app", null,
                "Reporting and Logging / What to Log", "Sets the application name to be reported in statistics and logs.", null,
                "user", "string", "client", null, null, null, "", "app", null, null, false);
        assertThat(row(s, "wal_sender_timeout")[1]).isEqualTo("60000");
        assertThat(row(s, "wal_sender_timeout")[2]).isEqualTo("ms");
        assertThat(row(s, "max_connections")[8]).isEqualTo("configuration file");
        assertThat(row(s, "data_directory_mode")).contains("0700", "448");
        s.set("work_mem", "8MB", false, false);
        assertThat(s.get("work_mem")).isEqualTo("8MB");
        assertThat(row(s, "work_mem")[1]).isEqualTo("8192");
        assertThat(row(s, "work_mem")[8]).isEqualTo("session");
        assertThat(row(s, "work_mem")[13]).isEqualTo("4096");
        s.set("statement_timeout", "5000", false, false);
        assertThat(s.get("statement_timeout")).isEqualTo("5s");
        s.set("application_name", null, false, false); // RESET: back to the startup packet's value
        assertThat(s.get("application_name")).isEqualTo("app");
        assertThat(row(s, "is_superuser")).isNull();
        assertThat(s.all()).extracting(r -> r[0]).doesNotContain("is_superuser", "session_authorization");
    }

    @Test
    void unitsAsPostgreSQLWritesThem() {
        assertThat(Settings.display(60000, "ms")).isEqualTo("1min");
        assertThat(Settings.display(1500, "ms")).isEqualTo("1500ms");
        assertThat(Settings.display(65536, "kB")).isEqualTo("64MB");
        assertThat(Settings.display(0, "ms")).isEqualTo("0");
        assertThat(Settings.display(-1, "MB")).isEqualTo("-1");
        assertThat(Settings.inUnit("1min", "ms")).isEqualTo(60000L);
        assertThat(Settings.inUnit("4MB", "kB")).isEqualTo(4096L);
        assertThat(Settings.inUnit("12", "ms")).isEqualTo(12L);
        assertThat(Settings.inUnit("abc", "ms")).isNull();
        assertThatThrownBy(() -> new Settings(Map.of()).set("statement_timeout", "-5", false, false))
                .hasMessage("-5 ms is outside the valid range for parameter \"statement_timeout\" (0 .. 2147483647)");
        assertThat(List.of(new Settings(Map.of()).pgSettings().size())).containsExactly(47);
    }
}
