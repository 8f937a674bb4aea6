package io.slotway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    private static final Path SHIPPED_CONF = Path.of("src/main/dist/conf");

    private static final Map<String, String> FRAMEWORK = Map.of(
            "slotway.listen", "127.0.0.1", "slotway.port", "5544",
            "slotway.conf", "/opt/slotway/conf", "slotway.data", "/var/lib/slotway");

    @Test
    void readsTheShippedServerConfigurationWithTypesAndSubstitutions() throws Exception {
        Dictionary<String, Object> server = ConfigFiles.read(SHIPPED_CONF, FRAMEWORK::get).get("io.slotway.server");
        assertThat(server.get("listen")).isEqualTo("127.0.0.1");
        assertThat(server.get("port")).isEqualTo(5544);
        assertThat(server.get("hba.file")).isEqualTo("/opt/slotway/conf/hba.conf");
        assertThat(server.get("users.file")).isEqualTo("/opt/slotway/conf/users.conf");
        assertThat(server.size()).isEqualTo(4);
    }

    @Test
    void readsTheShippedSourceConfigurationWithAnAbsoluteDataDir() throws Exception {
        Dictionary<String, Object> h2 = ConfigFiles.read(SHIPPED_CONF, FRAMEWORK::get).get("io.slotway.source.h2");
        assertThat(h2.get("data.dir")).isEqualTo("/var/lib/slotway");
    }

    @Test
    void convertsArraysAndKeepsColonsInValues(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.cfg"), "# c\n! c\n\nhosts:String[] = a, b\nflags:Boolean[]=true,false\nurl = http://h:1/p\n");
        Dictionary<String, Object> x = ConfigFiles.read(dir, k -> null).get("x");
        assertThat((String[]) x.get("hosts")).containsExactly("a", "b");
        assertThat((Boolean[]) x.get("flags")).containsExactly(true, false);
        assertThat(x.get("url")).isEqualTo("http://h:1/p");
    }

    @Test
    void rejectsAnUnknownProperty(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.cfg"), "a = ${nope}\n");
        assertThatThrownBy(() -> ConfigFiles.read(dir, k -> null)).hasMessageContaining("${nope}");
    }

    @Test
    void rejectsABadNumber(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.cfg"), "port:Integer = five\n");
        assertThatThrownBy(() -> ConfigFiles.read(dir, k -> null)).hasMessageContaining("port:Integer");
    }
}
