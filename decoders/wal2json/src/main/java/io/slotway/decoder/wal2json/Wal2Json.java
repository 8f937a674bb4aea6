package io.slotway.decoder.wal2json;

import io.slotway.api.PgException;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.PluginSession;
import org.osgi.service.component.annotations.Component;

/**
 * wal2json 2.5 as Debian packages it for PostgreSQL 15 ({@code postgresql-15-wal2json}). Stateless:
 * {@link #startup} parses the options ({@code pg_decode_startup}) and returns the session of the chosen
 * format version, which holds one stream's state.
 */
@Component(service = OutputPlugin.class, property = OutputPlugin.PLUGIN_NAME + "=" + Wal2Json.NAME)
public final class Wal2Json implements OutputPlugin {
    /** The name clients create slots with. */
    public static final String NAME = "wal2json";

    @Override
    public PluginSession startup(DecodingContext context) throws PgException {
        Options options = Options.parse(context.options());
        return options.formatVersion == 2 ? new FormatV2Session(options, context) : new FormatV1Session(options, context);
    }
}
