package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.ReplicationFunctions;
import io.slotway.api.source.SessionContext;
import java.util.ArrayList;
import java.util.List;

/** ReplicationFunctions as core would answer them, recording the calls. */
final class FakeFunctions implements ReplicationFunctions {
    final List<String> calls = new ArrayList<>();
    final List<SessionContext> contexts = new ArrayList<>();

    @Override
    public Object[] createLogicalSlot(SessionContext session, String slotName, String plugin, boolean temporary, boolean twoPhase)
            throws PgException {
        contexts.add(session);
        calls.add("create " + slotName + " " + plugin + " " + temporary + " " + twoPhase);
        if (slotName.equals("dup")) {
            throw new PgException(SqlState.DUPLICATE_OBJECT, "replication slot \"dup\" already exists");
        }
        return new Object[] {slotName, Lsn.parse("0/1A2B3C4").value()};
    }

    @Override
    public void dropSlot(SessionContext session, String slotName) {
        contexts.add(session);
        calls.add("drop " + slotName);
    }

    @Override
    public List<Object[]> changes(SessionContext session, String slotName, Lsn uptoLsn, Integer uptoChanges, boolean peek,
                                  boolean binary, List<String> options) {
        contexts.add(session);
        calls.add("changes " + slotName + " " + uptoLsn + " " + uptoChanges + " " + peek + " " + binary + " " + options);
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {Lsn.parse("0/100").value(), 944L, binary ? new byte[] {'B', 'E'} : "BEGIN 944"});
        rows.add(new Object[] {Lsn.parse("0/200"), 944L, binary ? new byte[] {'C'} : "COMMIT 944"});
        return rows;
    }

    @Override
    public Object[] advance(SessionContext session, String slotName, Lsn upto) {
        contexts.add(session);
        calls.add("advance " + slotName + " " + upto);
        return new Object[] {slotName, upto.value()};
    }

    @Override
    public List<Object[]> slots() {
        calls.add("slots");
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"s", "test_decoding", "logical", 5L, "slotway", false, false, null, null, 731L,
            Lsn.parse("0/100").value(), Lsn.parse("0/200").value(), "reserved", null, false});
        return rows;
    }
}
