package io.slotway.api.source;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * PostgreSQL's replication SQL functions, implemented by core (slots and decoding live there) and
 * offered to clients by the source, which makes them callable from its SQL engine. Rows are canonical
 * values in the column order PostgreSQL 15 returns.
 */
@ProviderType
public interface ReplicationFunctions {

    /** {@code pg_create_logical_replication_slot(slot_name, plugin, temporary, twophase)}: (slot_name name, lsn pg_lsn). */
    Object[] createLogicalSlot(SessionContext session, String slotName, String plugin, boolean temporary,
                               boolean twoPhase) throws PgException;

    /** {@code pg_drop_replication_slot(slot_name)}. */
    void dropSlot(SessionContext session, String slotName) throws PgException;

    /**
     * {@code pg_logical_slot_get_changes} and its {@code peek} and {@code binary} forms: rows of
     * (lsn pg_lsn, xid xid, data text | bytea). {@code uptoLsn} and {@code uptoChanges} may be null.
     * {@code options} alternate names and values, as the variadic text[] argument does.
     */
    List<Object[]> changes(SessionContext session, String slotName, Lsn uptoLsn, Integer uptoChanges,
                           boolean peek, boolean binary, List<String> options) throws PgException;

    /** {@code pg_replication_slot_advance(slot_name, upto_lsn)}: (slot_name name, end_lsn pg_lsn). */
    Object[] advance(SessionContext session, String slotName, Lsn upto) throws PgException;

    /**
     * The rows of {@code pg_replication_slots} in PostgreSQL 15's column order: slot_name, plugin,
     * slot_type, datoid, database, temporary, active, active_pid, xmin, catalog_xmin, restart_lsn,
     * confirmed_flush_lsn, wal_status, safe_wal_size, two_phase.
     */
    List<Object[]> slots() throws PgException;
}
