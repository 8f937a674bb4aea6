package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChangeTextTest {
    @Test
    void aChangeAsTextEndsAtItsFirstNulAsPostgresSendsIt() {
        byte[] message = "message: transactional: 1 prefix: golden-bin, sz: 5 content:\0\1\2\3\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(SqlReplicationFunctions.text(message)).isEqualTo("message: transactional: 1 prefix: golden-bin, sz: 5 content:");
        assertThat(SqlReplicationFunctions.text("héllo 🐘".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo 🐘");
    }
}
