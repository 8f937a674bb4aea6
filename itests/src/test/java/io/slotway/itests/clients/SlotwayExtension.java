package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

    private String[] extraArgs = new String[0];

    /**
     * Runs Slotway with the distribution's conf/ copied and changed: each entry of {@code settings} is
     * "file.cfg:line", the line appended to that file (e.g. a larger {@code max.replication.slots}).
     */
    SlotwayExtension withConf(String... settings) {
        try {
            Path dist = Paths.get(System.getProperty("slotway.distribution", "../distribution/target/slotway"));
            Path conf = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve(name + "-conf");
            java.nio.file.Files.createDirectories(conf);
            try (var files = java.nio.file.Files.list(dist.resolve("conf"))) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, conf.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String setting : settings) {
                int colon = setting.indexOf(':');
                java.nio.file.Files.writeString(conf.resolve(setting.substring(0, colon)), setting.substring(colon + 1) + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            extraArgs = new String[] {"--conf", conf.toAbsolutePath().toString()};
            return this;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    SlotwayExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = SlotwayProcess.start(Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve(name), extraArgs);
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
