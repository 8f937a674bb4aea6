package io.slotway.source.h2;

import io.slotway.api.PgException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What one PostgreSQL statement becomes on H2. */
final class Plan {
    enum Kind {
        /** Returns rows: SELECT, VALUES, and DML with RETURNING (run as a data change delta table). */
        QUERY,
        /** INSERT, UPDATE, DELETE, MERGE without RETURNING: an update count. */
        DML,
        /** DDL and the like: run by {@link #utility}, with a fixed command tag. */
        UTILITY
    }

    /** A utility statement's work, run on the session when the statement is executed. */
    interface Utility {
        /** Runs it; returns the number for a tag that carries one (CREATE TABLE AS: {@code SELECT n}), else -1. */
        long run(H2Session session) throws SQLException, PgException;
    }

    /** The client's statement. */
    String sql;
    Kind kind;
    /** SELECT, INSERT, UPDATE, DELETE, MERGE for QUERY/DML; the whole tag for UTILITY. */
    String verb;
    String h2Sql;
    /** For UTILITY: the command tag event triggers see when it differs from {@link #verb} ({@code CREATE TABLE AS} for {@code SELECT n}). */
    String eventTag;
    Positions positions = new Positions();
    /** Types the statement's context gives to parameters ($n → type of the column it is compared with or stored in). */
    final Map<Integer, ColumnType> paramTypes = new HashMap<>();
    /** PostgreSQL's names for the result columns, null entries meaning "as H2 names it"; null when unknown. */
    List<String> columnNames;
    /** PostgreSQL types of select-list items H2 cannot type (calls of pg_current_wal_lsn() ...), by position; null when none. */
    List<io.slotway.api.types.PgType> itemTypes;
    /** PostgreSQL types of the columns of table functions in FROM (pg_logical_slot_get_changes ...), by column name. */
    final Map<String, io.slotway.api.types.PgType> functionColumnTypes = new HashMap<>();
    /** The table an INSERT/UPDATE/DELETE writes. */
    Catalog.Relation target;
    Utility utility;
    /** For UTILITY: whether it writes (read-only transactions refuse it). */
    boolean writes = true;
    int maxParam;

    /** Maps offsets in the H2 statement back to the client's statement, for error positions. */
    static final class Positions {
        private final List<int[]> segments = new ArrayList<>();

        void mark(int h2Offset, int originalOffset) {
            segments.add(new int[] {h2Offset, originalOffset});
        }

        /** The offset in the client's statement of the token that produced H2 offset {@code h2Offset}, or -1. */
        int original(int h2Offset) {
            int best = -1;
            for (int[] s : segments) {
                if (s[0] <= h2Offset) {
                    best = s[1];
                } else {
                    break;
                }
            }
            return best;
        }
    }
}
