package io.slotway.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example files in the module README load and mean what the README says. */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    private static String block(String readme, String heading) {
        int at = readme.indexOf(heading);
        int start = readme.indexOf("```\n", at) + 4;
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void readmeExampleHbaAndUsersFilesLoad() throws Exception {
        String readme = Files.readString(Paths.get("README.md"));
        Path hba = Files.writeString(dir.resolve("hba.conf"), block(readme, "### The hba file"));
        Path users = Files.writeString(dir.resolve("users.conf"), block(readme, "### The users file"));

        HbaRules rules = HbaRules.load(hba);
        assertThat(rules.rules()).hasSize(6);
        assertThat(rules.match(InetAddress.getByName("10.1.1.1"), "repl", "", true).orElseThrow().methodName())
                .isEqualTo("scram-sha-256");
        assertThat(rules.match(InetAddress.getByName("10.1.1.1"), "repl", "shop", false).orElseThrow().methodName())
                .isEqualTo("md5");
        assertThat(rules.match(InetAddress.getByName("2001:db8::1"), "x", "y", false).orElseThrow().method())
                .isEqualTo(HbaRule.Method.REJECT);
        assertThat(UserStore.load(users).users()).containsExactlyInAnyOrder("alice", "repl");
    }
}
