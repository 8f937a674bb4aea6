package io.slotway.decoder.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static List<Map.Entry<String, String>> list(String... nameValue) {
        List<Map.Entry<String, String>> l = new ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            l.add(new AbstractMap.SimpleImmutableEntry<>(nameValue[i], nameValue[i + 1]));
        }
        return l;
    }

    private static Options parse(String... nameValue) throws PgException {
        return Options.parse(list(nameValue));
    }

    private static void rejects(String sqlState, String message, String... nameValue) {
        assertThatThrownBy(() -> parse(nameValue)).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.sqlState()).isEqualTo(sqlState);
        });
    }

    @Test
    void readsEveryOption() throws Exception {
        Options o = parse("proto_version", "3", "publication_names", "a, \"B c\" ,D", "binary", "on", "messages", "TRUE",
                "streaming", "true", "two_phase", "On");
        assertThat(o.protoVersion).isEqualTo(3);
        assertThat(o.publicationNames).containsExactly("a", "B c", "d");
        assertThat(o.binary).isTrue();
        assertThat(o.messages).isTrue();
        assertThat(o.streaming).isTrue();
        assertThat(o.twoPhase).isTrue();
    }

    @Test
    void booleansDefaultToFalseAndBareMeansTrue() throws Exception {
        Options o = parse("proto_version", "1", "publication_names", "p", "binary", null, "messages", "off");
        assertThat(o.binary).isTrue();
        assertThat(o.messages).isFalse();
        assertThat(o.streaming).isFalse();
        assertThat(o.twoPhase).isFalse();
    }

    @Test
    void rejectsDuplicateOption() {
        rejects("42601", "conflicting or redundant options", "proto_version", "1", "proto_version", "1");
        rejects("42601", "conflicting or redundant options", "proto_version", "1", "publication_names", "p",
                "messages", "on", "messages", "off");
    }

    @Test
    void rejectsUnknownOptionsIncludingPostgres16Origin() {
        rejects("XX000", "unrecognized pgoutput option: origin", "proto_version", "1", "publication_names", "p",
                "origin", "any");
        rejects("XX000", "unrecognized pgoutput option: Proto_version", "Proto_version", "1");
    }

    @Test
    void checksTheProtocolVersionAfterTheLoop() {
        rejects("0A000", "client sent proto_version=0 but we only support protocol 1 or higher");
        rejects("0A000", "client sent proto_version=0 but we only support protocol 1 or higher", "publication_names", "p");
        rejects("0A000", "client sent proto_version=0 but we only support protocol 1 or higher", "proto_version", "");
        rejects("0A000", "client sent proto_version=4 but we only support protocol 3 or lower", "proto_version", "4");
        rejects("0A000", "client sent proto_version=-1 but we only support protocol 3 or lower", "proto_version", "4294967295");
        rejects("0A000", "client sent proto_version=-2147483648 but we only support protocol 3 or lower",
                "proto_version", "2147483648");
    }

    @Test
    void readsTheProtocolVersionAsStrtoul() throws Exception {
        assertThat(parse("proto_version", " 2", "publication_names", "p").protoVersion).isEqualTo(2);
        assertThat(parse("proto_version", "+1", "publication_names", "p").protoVersion).isEqualTo(1);
        assertThat(parse("proto_version", "\t003", "publication_names", "p").protoVersion).isEqualTo(3);
        rejects("22023", "invalid proto_version", "proto_version", "1 ");
        rejects("22023", "invalid proto_version", "proto_version", "0x1");
        rejects("22023", "invalid proto_version", "proto_version", " ");
        rejects("22023", "invalid proto_version", "proto_version", "-");
        rejects("22023", "invalid proto_version", "proto_version", "99999999999999999999");
        rejects("22023", "invalid proto_version", "proto_version", null);
        rejects("22023", "proto_version \"-1\" out of range", "proto_version", "-1");
        rejects("22023", "proto_version \"4294967296\" out of range", "proto_version", "4294967296");
        rejects("0A000", "client sent proto_version=0 but we only support protocol 1 or higher", "proto_version", "-0");
    }

    @Test
    void needsPublicationNames() {
        rejects("22023", "publication_names parameter missing", "proto_version", "1");
        rejects("22023", "publication_names parameter missing", "proto_version", "1", "publication_names", "");
        rejects("22023", "publication_names parameter missing", "proto_version", "1", "publication_names", " \t");
        rejects("42602", "invalid publication_names syntax", "proto_version", "1", "publication_names", "a,");
        rejects("42602", "invalid publication_names syntax", "proto_version", "1", "publication_names", "a b");
        rejects("42602", "invalid publication_names syntax", "proto_version", "1", "publication_names", "\"a");
        rejects("42602", "invalid publication_names syntax", "proto_version", "1", "publication_names", null);
    }

    @Test
    void splitsPublicationNamesAsSplitIdentifierString() {
        assertThat(Options.splitIdentifiers("\"\"")).containsExactly("");
        assertThat(Options.splitIdentifiers("\"a\"\"b\",c")).containsExactly("a\"b", "c");
        assertThat(Options.splitIdentifiers(" A ,\tÉb ")).containsExactly("a", "Éb");
        assertThat(Options.splitIdentifiers(",a")).isNull();
        assertThat(Options.splitIdentifiers("a,,b")).isNull();
        assertThat(Options.splitIdentifiers("\"a\"b")).isNull();
        // vertical tab is not white space to PostgreSQL 15's scanner
        assertThat(Options.splitIdentifiers("a\u000B")).containsExactly("a\u000B");
        assertThat(Options.splitIdentifiers("x".repeat(70))).containsExactly("x".repeat(63));
        // cut at 63 bytes without splitting a two-byte character
        assertThat(Options.splitIdentifiers("é".repeat(40))).containsExactly("é".repeat(31));
    }

    @Test
    void readsBooleansAsDefGetBoolean() {
        for (String bad : List.of("1", "0", "yes", "t", "of", "", " true")) {
            rejects("42601", "binary requires a Boolean value", "proto_version", "1", "publication_names", "p", "binary", bad);
        }
    }

    @Test
    void raisesTheFirstBadOptionFirst() {
        rejects("42601", "binary requires a Boolean value", "binary", "x", "foo", "1");
        rejects("XX000", "unrecognized pgoutput option: foo", "foo", "1", "binary", "x");
    }

    @Test
    void streamingAndTwoPhaseNeedTheirProtocolVersions() throws Exception {
        rejects("22023", "requested proto_version=1 does not support streaming, need 2 or higher",
                "proto_version", "1", "publication_names", "p", "streaming", "on");
        rejects("22023", "requested proto_version=2 does not support two-phase commit, need 3 or higher",
                "proto_version", "2", "publication_names", "p", "two_phase", "on");
        assertThat(parse("proto_version", "1", "publication_names", "p", "streaming", "off", "two_phase", "off").streaming).isFalse();
        assertThat(parse("proto_version", "2", "publication_names", "p", "streaming", "on").streaming).isTrue();
    }
}
