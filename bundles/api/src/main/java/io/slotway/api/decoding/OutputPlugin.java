package io.slotway.api.decoding;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/** A logical decoding output plugin: stateless; its per-stream state lives in the session it starts. */
@ConsumerType
public interface OutputPlugin {
    /** Service property naming the plugin as clients name it ({@code test_decoding}, {@code pgoutput}). */
    String PLUGIN_NAME = "plugin.name";

    /**
     * Starts decoding for one stream: checks the options (errors as PostgreSQL's plugin raises them,
     * e.g. 22023 {@code option "x" = "y" is unknown}) and returns the session holding its state.
     */
    PluginSession startup(DecodingContext context) throws PgException;
}
