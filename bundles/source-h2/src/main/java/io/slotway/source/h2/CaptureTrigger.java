package io.slotway.source.h2;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.h2.tools.TriggerAdapter;

/**
 * The row trigger installed on every user table (AFTER INSERT, UPDATE, DELETE FOR EACH ROW): hands the row
 * change to the transaction of the session whose connection made it. H2 loads it by name (through the class
 * factory {@link H2Source} registers in OSGi). The table is known by the OID in the trigger's name, so a
 * renamed table keeps streaming under its new name.
 */
public final class CaptureTrigger extends TriggerAdapter {
    private long oid;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) throws SQLException {
        super.init(conn, schemaName, triggerName, tableName, before, type);
        oid = Long.parseLong(triggerName.substring(Capture.TRIGGER_PREFIX.length()));
    }

    @Override
    public void fire(Connection conn, ResultSet oldRow, ResultSet newRow) throws SQLException {
        H2Session session = Capture.sessionOf(conn);
        if (session == null) {
            return; // one of Slotway's own connections: nothing a client wrote
        }
        session.capture().row(conn, oid, position(oldRow), position(newRow));
    }

    private static ResultSet position(ResultSet rs) throws SQLException {
        if (rs != null && rs.getRow() == 0) {
            rs.next();
        }
        return rs;
    }
}
