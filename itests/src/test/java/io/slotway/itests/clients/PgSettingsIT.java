package io.slotway.itests.clients;

import static io.slotway.itests.clients.MonitoringIT.connect;
import static io.slotway.itests.clients.MonitoringIT.exec;
import static io.slotway.itests.clients.MonitoringIT.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pg_settings from the session's parameters: every row's description (unit, category, descriptions, context, type,
 * range, enum values) as PostgreSQL 15's for the same parameter; the values the session sees (SET, set_config, RESET,
 * the startup packet) as PostgreSQL 15 shows them; SHOW ALL, current_setting() and pg_settings agreeing.
 */
class PgSettingsIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("pg-settings");

    static final String DESCRIPTION = "SELECT name, unit, category, short_desc, extra_desc, context, vartype, min_val,"
            + " max_val, enumvals FROM pg_settings WHERE name = ANY(?)";

    @Test
    void rowsDescribeParametersAsPostgreSQL15() throws Exception {
        PgOracle oracle = PgOracle.get();
        String pgDb = oracle.createDatabase("settings");
        try (Connection pg = connect(oracle.port(), pgDb, "pg-settings"); Connection sw = connect(slotway.port(), "postgres", "pg-settings")) {
            List<String> names = new ArrayList<>();
            for (List<String> r : rows(sw, "SELECT name FROM pg_settings ORDER BY name")) {
                names.add(r.get(0));
            }
            assertThat(names).contains("wal_level", "max_replication_slots", "max_wal_senders", "wal_sender_timeout",
                    "max_index_keys", "TimeZone", "search_path").doesNotContain("is_superuser", "session_authorization");
            String in = "SELECT name, unit, category, short_desc, extra_desc, context, vartype, min_val, max_val, enumvals"
                    + " FROM pg_settings WHERE name IN ('" + String.join("', '", names) + "') AND name <> 'server_version_num'"
                    + " ORDER BY name";
            assertThat(rows(sw, in)).isEqualTo(rows(pg, in));

            // values as the session changes them
            for (Connection c : List.of(pg, sw)) {
                exec(c, "SET statement_timeout = '5s'");
                exec(c, "SELECT set_config('work_mem', '8MB', false)");
                exec(c, "SET lock_timeout = 60000");
                exec(c, "SET extra_float_digits = 2");
                exec(c, "RESET extra_float_digits");
            }
            String values = "SELECT name, setting, unit, source, boot_val, reset_val, pending_restart, current_setting(name)"
                    + " FROM pg_settings WHERE name IN ('statement_timeout', 'work_mem', 'lock_timeout', 'extra_float_digits',"
                    + " 'application_name', 'logical_decoding_work_mem', 'max_slot_wal_keep_size',"
                    + " 'wal_sender_timeout', 'search_path', 'bytea_output', 'transaction_isolation', 'max_index_keys') ORDER BY name";
            assertThat(rows(sw, values)).isEqualTo(rows(pg, values));
            assertThat(rows(sw, "SELECT setting, current_setting('wal_sender_timeout') FROM pg_settings WHERE name = 'wal_sender_timeout'"))
                    .containsExactly(List.of("60000", "1min"));
            assertThat(rows(sw, "SHOW lock_timeout")).containsExactly(List.of("1min"));

            // SHOW ALL lists exactly pg_settings' parameters, with SHOW's values and pg_settings' short descriptions
            List<List<String>> showAll = rows(sw, "SHOW ALL");
            List<List<String>> fromView = new ArrayList<>();
            for (List<String> r : rows(sw, "SELECT name, current_setting(name), short_desc FROM pg_settings ORDER BY lower(name)")) {
                fromView.add(r);
            }
            assertThat(showAll).isEqualTo(fromView);
        }
    }
}
