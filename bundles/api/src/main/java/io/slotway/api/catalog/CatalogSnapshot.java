package io.slotway.api.catalog;

import java.util.List;

/**
 * A source's catalog at one epoch. OIDs are the source's, stable across restarts, unique across every
 * kind of object, and at or above 16384 (PostgreSQL's first user OID). Names are as PostgreSQL stores
 * them (unquoted, case as created). Lists are immutable.
 *
 * @param epoch        the provider's epoch this snapshot belongs to
 * @param namespaces   user schemas ({@code public} included; {@code pg_catalog}, {@code information_schema}
 *                     and the source's private schemas excluded)
 * @param relations    tables ({@code r}), views ({@code v}) and sequences ({@code S}); indexes are in {@code indexes}
 * @param indexes      indexes of tables, primary-key and unique-constraint indexes included
 * @param constraints  primary key, unique, foreign key and check constraints (NOT NULL is a column property)
 * @param publications publications with their tables and schemas
 * @param functions    user functions and procedures
 */
public record CatalogSnapshot(long epoch, List<Namespace> namespaces, List<Relation> relations, List<Index> indexes,
                              List<Constraint> constraints, List<Publication> publications, List<Function> functions) {

    public CatalogSnapshot {
        namespaces = List.copyOf(namespaces);
        relations = List.copyOf(relations);
        indexes = List.copyOf(indexes);
        constraints = List.copyOf(constraints);
        publications = List.copyOf(publications);
        functions = List.copyOf(functions);
    }

    /** A schema: {@code pg_namespace}. {@code comment} may be null. */
    public record Namespace(long oid, String name, String owner, String comment) {}

    /**
     * A table, view or sequence: {@code pg_class}.
     *
     * @param kind            {@code r} table, {@code v} view, {@code S} sequence
     * @param replicaIdentity {@code d} default, {@code n} nothing, {@code f} full, {@code i} index
     *                        (the index is the one of {@code indexes} with {@code replicaIdentity} set)
     * @param viewDefinition  for a view, its query as {@code pg_get_viewdef} shows it; else null
     * @param sequence        for a sequence, its parameters; else null
     * @param comment         {@code COMMENT ON TABLE}, or null
     */
    public record Relation(long oid, String schema, String name, char kind, String owner, char replicaIdentity,
                           List<Column> columns, String viewDefinition, Sequence sequence, String comment) {
        public Relation {
            columns = List.copyOf(columns);
        }
    }

    /**
     * A column: {@code pg_attribute}, with its default ({@code pg_attrdef}) and comment.
     *
     * @param typeOid       a built-in PostgreSQL type OID ({@code io.slotway.api.types.PgType})
     * @param typmod        PostgreSQL's typmod, -1 for none
     * @param defaultExpr   the default as {@code pg_get_expr} shows it ({@code nextval('s'::regclass)}), or null
     * @param identity      {@code a} GENERATED ALWAYS, {@code d} BY DEFAULT, or {@code \0} (none)
     * @param ownedSequence OID of the sequence the column owns (serial or identity), or 0
     */
    public record Column(String name, short attnum, int typeOid, int typmod, boolean notNull, String defaultExpr,
                         char identity, long ownedSequence, String comment) {}

    /** A sequence's parameters: {@code pg_sequence}. */
    public record Sequence(int typeOid, long start, long increment, long min, long max, long cache, boolean cycle) {}

    /**
     * An index: {@code pg_index} and its {@code pg_class} row.
     *
     * @param columns         attnums of the key columns in order (0 for an expression)
     * @param descending      per key column, whether it is DESC
     * @param definition      {@code CREATE [UNIQUE] INDEX ...} as {@code pg_get_indexdef} shows it
     * @param replicaIdentity whether it is the table's replica identity index
     */
    public record Index(long oid, long tableOid, String schema, String name, List<Short> columns, List<Boolean> descending,
                        boolean unique, boolean primary, boolean replicaIdentity, String definition) {
        public Index {
            columns = List.copyOf(columns);
            descending = List.copyOf(descending);
        }
    }

    /**
     * A constraint: {@code pg_constraint}.
     *
     * @param type          {@code p} primary key, {@code u} unique, {@code f} foreign key, {@code c} check
     * @param columns       attnums of the constrained columns
     * @param indexOid      the index that enforces it ({@code p}, {@code u}) or that the foreign key references; 0 if none
     * @param refTableOid   for {@code f}, the referenced table; else 0
     * @param refColumns    for {@code f}, the referenced columns' attnums
     * @param updateAction  for {@code f}: {@code a} no action, {@code r} restrict, {@code c} cascade,
     *                      {@code n} set null, {@code d} set default; else blank
     * @param deleteAction  as {@code updateAction}
     * @param definition    as {@code pg_get_constraintdef} shows it: {@code PRIMARY KEY (id)}, {@code CHECK ((x > 0))}
     * @param prettyDefinition as {@code pg_get_constraintdef(oid, true)} shows it (psql's {@code \d}):
     *                      {@code CHECK (x > 0)}
     */
    public record Constraint(long oid, long tableOid, String schema, String name, char type, List<Short> columns,
                             long indexOid, long refTableOid, List<Short> refColumns, char updateAction,
                             char deleteAction, boolean deferrable, boolean deferred, String definition,
                             String prettyDefinition) {
        public Constraint {
            columns = List.copyOf(columns);
            refColumns = List.copyOf(refColumns);
            if (prettyDefinition == null) {
                prettyDefinition = definition;
            }
        }

        /** A constraint whose pretty definition is its definition (keys, and checks printed the same both ways). */
        public Constraint(long oid, long tableOid, String schema, String name, char type, List<Short> columns,
                          long indexOid, long refTableOid, List<Short> refColumns, char updateAction,
                          char deleteAction, boolean deferrable, boolean deferred, String definition) {
            this(oid, tableOid, schema, name, type, columns, indexOid, refTableOid, refColumns, updateAction, deleteAction,
                    deferrable, deferred, definition, definition);
        }
    }

    /**
     * A publication: {@code pg_publication}, {@code pg_publication_rel}, {@code pg_publication_namespace}.
     *
     * @param tables  OIDs of the tables named in it ({@code FOR TABLE})
     * @param schemas names of the schemas named in it ({@code FOR TABLES IN SCHEMA})
     */
    public record Publication(long oid, String name, String owner, boolean allTables, boolean insert, boolean update,
                              boolean delete, boolean truncate, boolean viaRoot, List<Long> tables, List<String> schemas) {
        public Publication {
            tables = List.copyOf(tables);
            schemas = List.copyOf(schemas);
        }
    }

    /**
     * A function or procedure: {@code pg_proc}.
     *
     * @param kind      {@code f} function, {@code p} procedure
     * @param arguments as {@code pg_get_function_arguments} shows them ({@code i integer})
     * @param result    as {@code pg_get_function_result} shows it ({@code integer}); null for a procedure
     * @param argTypes  argument type OIDs
     * @param resultType result type OID (2278 void for a procedure)
     */
    public record Function(long oid, String schema, String name, char kind, String language, String arguments,
                           String result, List<Integer> argTypes, int resultType, String source) {
        public Function {
            argTypes = List.copyOf(argTypes);
        }
    }
}
