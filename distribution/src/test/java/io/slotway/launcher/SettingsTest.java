package io.slotway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void defaultsWithoutAPropertiesFile(@TempDir Path home) throws Exception {
        Settings s = Settings.parse(new String[0], home, Path.of("/work"));
        assertThat(s.listen()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(5433);
        assertThat(s.data()).isEqualTo(Path.of("/work/data"));
        assertThat(s.conf()).isEqualTo(home.resolve("conf"));
        assertThat(s.shell()).isFalse();
    }

    @Test
    void commandLineWinsOverThePropertiesFile(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/slotway.properties"), "listen = 0.0.0.0\nport = 6000\ndata = /srv/d\n");
        Settings fromFile = Settings.parse(new String[0], home, Path.of("/work"));
        assertThat(fromFile.listen()).isEqualTo("0.0.0.0");
        assertThat(fromFile.port()).isEqualTo(6000);
        assertThat(fromFile.data()).isEqualTo(Path.of("/srv/d"));

        Settings s = Settings.parse(new String[] {"--port", "5544", "--data=rel", "--shell"}, home, Path.of("/work"));
        assertThat(s.listen()).isEqualTo("0.0.0.0");
        assertThat(s.port()).isEqualTo(5544);
        assertThat(s.data()).isEqualTo(Path.of("/work/rel"));
        assertThat(s.shell()).isTrue();
    }

    @Test
    void confOptionMovesThePropertiesFileToo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slotway.properties"), "port = 7000\n");
        Settings s = Settings.parse(new String[] {"--conf", dir.toString()}, Path.of("/opt/slotway"), Path.of("/work"));
        assertThat(s.conf()).isEqualTo(dir);
        assertThat(s.port()).isEqualTo(7000);
    }

    @Test
    void helpReturnsNull() throws Exception {
        assertThat(Settings.parse(new String[] {"--help"}, Path.of("/h"), Path.of("/w"))).isNull();
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Settings.parse(new String[] {"--port"}, Path.of("/h"), Path.of("/w")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Settings.parse(new String[] {"--port", "x"}, Path.of("/h"), Path.of("/w")))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> Settings.parse(new String[] {"--nope"}, Path.of("/h"), Path.of("/w")))
                .hasMessageContaining("unknown option");
    }

    @Test
    void shellPortIsAnyFreePortByDefaultAndMinusOneTurnsItOff(@TempDir Path home) throws Exception {
        assertThat(Settings.parse(new String[0], home, Path.of("/work")).shellPort()).isZero();
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/slotway.properties"), "shell.port = 7777\n");
        assertThat(Settings.parse(new String[0], home, Path.of("/work")).shellPort()).isEqualTo(7777);
        assertThat(Settings.parse(new String[] {"--shell-port", "-1"}, home, Path.of("/work")).shellPort()).isEqualTo(-1);
        assertThatThrownBy(() -> Settings.parse(new String[] {"--shell-port=-2"}, home, Path.of("/work")))
                .isInstanceOf(Settings.UsageException.class);
    }
}
