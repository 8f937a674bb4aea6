package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Slotway from the distribution per test class: started before the first test in a work directory
 * of its own, stopped with SIGTERM after the last, which must end it cleanly (exit code 0).
 */
final class SlotwayExtension implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private SlotwayProcess process;

    SlotwayExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = SlotwayProcess.start(Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve(name));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            assertThat(process.stop()).as("exit code after SIGTERM").isZero();
            process = null;
        }
    }

    int port() {
        return process.port();
    }
}
