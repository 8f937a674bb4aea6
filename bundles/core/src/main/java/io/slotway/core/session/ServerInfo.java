package io.slotway.core.session;

/** What the server says about itself. */
public final class ServerInfo {
    private ServerInfo() {}

    /** Reported as server_version: a PostgreSQL 15 version, with Slotway named as a distribution would. */
    public static final String SERVER_VERSION = "15.20 (Slotway 0.1.0)";
    public static final String SERVER_VERSION_NUM = "150020";
}
