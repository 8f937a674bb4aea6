package io.slotway.api.types;

import io.slotway.testkit.PgOracle;
import java.sql.Connection;
import java.sql.SQLException;

/** Connections to the test kit's real PostgreSQL 15 ({@link PgOracle}); missing binaries fail loudly. */
final class Oracle {
    private Oracle() {}

    static Connection connect() throws SQLException {
        if (!PgOracle.available()) {
            throw new IllegalStateException("PostgreSQL 15 binaries are missing (looked in "
                    + System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin") + "); install postgresql-15");
        }
        return PgOracle.get().connect("postgres");
    }
}
