package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.source.SessionContext;
import io.slotway.api.types.SessionFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A SessionContext as core would give one, recording the notices sent. */
final class FakeContext implements SessionContext {
    final List<PgException> notices = new ArrayList<>();
    final Map<String, String> settings = new HashMap<>();
    SessionFormat format = SessionFormat.DEFAULT;

    @Override public String user() { return "postgres"; }
    @Override public String database() { return "slotway"; }
    @Override public int backendPid() { return 4242; }
    @Override public String setting(String name) { return settings.get(name); }
    @Override public SessionFormat format() { return format; }
    @Override public void notice(PgException notice) { notices.add(notice); }
}
