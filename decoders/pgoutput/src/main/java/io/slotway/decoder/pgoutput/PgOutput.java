package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.PluginSession;
import org.osgi.service.component.annotations.Component;

/**
 * PostgreSQL 15's {@code pgoutput}, the plugin of built-in logical replication. Stateless: {@link #startup}
 * parses the options ({@code pgoutput_startup}) and returns the session that holds one stream's state.
 * Output is binary: {@code pg_logical_slot_get_changes} refuses it (core raises that error, as PostgreSQL's
 * logical decoding does for every binary plugin).
 */
@Component(service = OutputPlugin.class, property = OutputPlugin.PLUGIN_NAME + "=" + PgOutput.NAME)
public final class PgOutput implements OutputPlugin {
    /** The name clients create slots with. */
    public static final String NAME = "pgoutput";

    @Override
    public PluginSession startup(DecodingContext context) throws PgException {
        return new PgOutputSession(Options.parse(context.optionList()), context);
    }
}
