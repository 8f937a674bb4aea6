package io.slotway.decoder.testdecoding;

import io.slotway.api.PgException;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.PluginSession;
import org.osgi.service.component.annotations.Component;

/**
 * PostgreSQL 15's {@code contrib/test_decoding} output plugin. Stateless: {@link #startup} parses the
 * options ({@code pg_decode_startup}) and returns the session that holds one stream's state.
 */
@Component(service = OutputPlugin.class, property = OutputPlugin.PLUGIN_NAME + "=" + TestDecoding.NAME)
public final class TestDecoding implements OutputPlugin {
    /** The name clients create slots with. */
    public static final String NAME = "test_decoding";

    @Override
    public PluginSession startup(DecodingContext context) throws PgException {
        return new TestDecodingSession(Options.parse(context.options()), context.format());
    }
}
