package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.ReplicationFunctions;
import io.slotway.api.source.SessionContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Offers the replication SQL functions to sources as the {@link ReplicationFunctions} service. */
@Component(service = ReplicationFunctions.class, immediate = true)
public final class ReplicationFunctionsComponent implements ReplicationFunctions {
    @Reference
    private ReplicationServices services;

    private SqlReplicationFunctions functions;

    @Activate
    void activate() {
        functions = new SqlReplicationFunctions(services, "postgres");
    }

    @Override
    public Object[] createLogicalSlot(SessionContext session, String slotName, String plugin, boolean temporary,
                                      boolean twoPhase) throws PgException {
        return functions.createLogicalSlot(session, slotName, plugin, temporary, twoPhase);
    }

    @Override
    public void dropSlot(SessionContext session, String slotName) throws PgException {
        functions.dropSlot(session, slotName);
    }

    @Override
    public List<Object[]> changes(SessionContext session, String slotName, Lsn uptoLsn, Integer uptoChanges, boolean peek,
                                  boolean binary, List<String> options) throws PgException {
        return functions.changes(session, slotName, uptoLsn, uptoChanges, peek, binary, options);
    }

    @Override
    public Object[] advance(SessionContext session, String slotName, Lsn upto) throws PgException {
        return functions.advance(session, slotName, upto);
    }

    @Override
    public List<Object[]> slots() {
        return functions.slots();
    }
}
