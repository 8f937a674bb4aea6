package io.slotway.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.core.auth.HbaRule.Method;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HbaRulesTest {
    @TempDir
    Path dir;

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // literals only: no lookup
    }

    private HbaRules rules(String... lines) throws Exception {
        Path file = dir.resolve("hba.conf");
        Files.write(file, Arrays.asList(lines));
        return HbaRules.load(file);
    }

    private static Optional<String> matchedSource(HbaRules rules, String client, String user, String db, boolean physical)
            throws Exception {
        return rules.match(ip(client), user, db, physical).map(r -> r.source().substring(r.source().lastIndexOf(':') + 1));
    }

    @Test
    void defaultsTrustLoopbackForEveryoneIncludingPhysicalReplication() throws Exception {
        HbaRules rules = HbaRules.defaults();
        assertThat(rules.authenticationMethod(ip("127.0.0.1"), "bob", "db", false)).isEqualTo(Method.TRUST);
        assertThat(rules.authenticationMethod(ip("127.1.2.3"), "bob", "db", false)).isEqualTo(Method.TRUST);
        assertThat(rules.authenticationMethod(ip("::1"), "bob", "db", false)).isEqualTo(Method.TRUST);
        assertThat(rules.authenticationMethod(ip("127.0.0.1"), "repl", "", true)).isEqualTo(Method.TRUST);
        assertThat(rules.authenticationMethod(ip("::1"), "repl", "", true)).isEqualTo(Method.TRUST);
    }

    @Test
    void defaultsRefuseEveryOtherAddressWithPostgresMessage() throws Exception {
        HbaRules rules = HbaRules.defaults();
        assertThatThrownBy(() -> rules.authenticationMethod(ip("10.0.0.7"), "bob", "db", false))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.severity()).isEqualTo(PgException.Severity.FATAL);
                    assertThat(e.sqlState()).isEqualTo("28000");
                    assertThat(e.getMessage()).isEqualTo(
                            "no pg_hba.conf entry for host \"10.0.0.7\", user \"bob\", database \"db\", no encryption");
                });
        assertThat(rules.match(ip("::2"), "bob", "db", false)).isEmpty();
    }

    @Test
    void noEntryErrorForPhysicalReplicationNamesNoDatabase() throws Exception {
        PgException e = HbaRules.noEntryError(ip("192.168.1.9"), "repl", "x", true);
        assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_AUTHORIZATION_SPECIFICATION);
        assertThat(e.getMessage()).isEqualTo(
                "no pg_hba.conf entry for replication connection from host \"192.168.1.9\", user \"repl\", no encryption");
    }

    @Test
    void noEntryErrorPrintsIpv6AsPostgresDoes() throws Exception {
        assertThat(HbaRules.noEntryError(ip("0:0:0:0:0:0:0:1"), "bob", "db", false).getMessage())
                .isEqualTo("no pg_hba.conf entry for host \"::1\", user \"bob\", database \"db\", no encryption");
        assertThat(IpAddresses.format(ip("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.format(ip("fe80:0:0:0:0:0:0:0"))).isEqualTo("fe80::");
        assertThat(IpAddresses.format(ip("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(IpAddresses.format(ip("1:0:2:0:3:0:4:0"))).isEqualTo("1:0:2:0:3:0:4:0");
    }

    @Test
    void rejectRuleGivesPostgresRejectMessage() throws Exception {
        HbaRules rules = rules("host all all 10.0.0.0/8 reject", "host replication all 10.0.0.0/8 reject");
        assertThatThrownBy(() -> rules.authenticationMethod(ip("10.1.2.3"), "bob", "db", false))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.severity()).isEqualTo(PgException.Severity.FATAL);
                    assertThat(e.sqlState()).isEqualTo("28000");
                    assertThat(e.getMessage()).isEqualTo(
                            "pg_hba.conf rejects connection for host \"10.1.2.3\", user \"bob\", database \"db\", no encryption");
                });
        assertThatThrownBy(() -> rules.authenticationMethod(ip("10.1.2.3"), "bob", null, true))
                .hasMessage("pg_hba.conf rejects replication connection for host \"10.1.2.3\", user \"bob\", no encryption");
    }

    @Test
    void firstMatchingLineWins() throws Exception {
        HbaRules rules = rules(
                "host all alice 10.0.0.0/8 reject",
                "host all all 10.0.0.0/8 scram-sha-256",
                "host all all 0.0.0.0/0 trust");
        assertThat(matchedSource(rules, "10.9.9.9", "alice", "db", false)).hasValue("1");
        assertThat(matchedSource(rules, "10.9.9.9", "bob", "db", false)).hasValue("2");
        assertThat(matchedSource(rules, "11.0.0.1", "alice", "db", false)).hasValue("3");
        assertThat(rules.match(ip("11.0.0.1"), "alice", "db", false).orElseThrow().method()).isEqualTo(Method.TRUST);
    }

    @Test
    void replicationKeywordMatchesOnlyPhysicalReplication() throws Exception {
        HbaRules rules = rules(
                "host replication repl 127.0.0.1/32 scram-sha-256",
                "host all all 127.0.0.1/32 trust");
        // physical replication: only the replication line applies, and "all" does not cover it
        assertThat(matchedSource(rules, "127.0.0.1", "repl", "", true)).hasValue("1");
        assertThat(matchedSource(rules, "127.0.0.1", "bob", "", true)).isEmpty();
        // a normal connection to a database named "replication" does not match the keyword
        assertThat(matchedSource(rules, "127.0.0.1", "repl", "replication", false)).hasValue("2");
        // logical replication (replication=database) matches on its database like a normal connection
        assertThat(matchedSource(rules, "127.0.0.1", "repl", "shop", false)).hasValue("2");
    }

    @Test
    void allDoesNotCoverPhysicalReplicationSoItGetsTheReplicationMessage() throws Exception {
        HbaRules rules = rules("host all all 127.0.0.1/32 trust");
        assertThatThrownBy(() -> rules.authenticationMethod(ip("127.0.0.1"), "repl", "postgres", true))
                .hasMessage("no pg_hba.conf entry for replication connection from host \"127.0.0.1\", user \"repl\","
                        + " no encryption");
    }

    @Test
    void quotedReplicationIsADatabaseName() throws Exception {
        HbaRules rules = rules("host \"replication\" all 127.0.0.1/32 trust");
        assertThat(matchedSource(rules, "127.0.0.1", "bob", "replication", false)).hasValue("1");
        assertThat(matchedSource(rules, "127.0.0.1", "bob", "", true)).isEmpty();
    }

    @Test
    void databaseAndUserListsSameuserAndQuotedNames() throws Exception {
        HbaRules rules = rules(
                "host shop,  \"All Data\" alice,\"bob smith\" 127.0.0.1/32 trust  # comment",
                "host sameuser all 127.0.0.1/32 md5",
                "host \"all\" all 127.0.0.1/32 password");
        assertThat(matchedSource(rules, "127.0.0.1", "alice", "shop", false)).hasValue("1");
        assertThat(matchedSource(rules, "127.0.0.1", "bob smith", "All Data", false)).hasValue("1");
        assertThat(matchedSource(rules, "127.0.0.1", "carol", "carol", false)).hasValue("2");
        assertThat(matchedSource(rules, "127.0.0.1", "carol", "all", false)).hasValue("3");
        assertThat(matchedSource(rules, "127.0.0.1", "carol", "other", false)).isEmpty();
    }

    @Test
    void namesAreCaseSensitive() throws Exception {
        HbaRules rules = rules("host Shop Alice 127.0.0.1/32 trust");
        assertThat(matchedSource(rules, "127.0.0.1", "Alice", "Shop", false)).hasValue("1");
        assertThat(matchedSource(rules, "127.0.0.1", "alice", "Shop", false)).isEmpty();
        assertThat(matchedSource(rules, "127.0.0.1", "Alice", "shop", false)).isEmpty();
    }

    @Test
    void ipv4CidrMatchesByPrefix() throws Exception {
        HbaRules rules = rules("host all all 192.168.16.0/20 trust", "host all all 10.1.2.3/32 trust");
        assertThat(matchedSource(rules, "192.168.16.1", "u", "d", false)).hasValue("1");
        assertThat(matchedSource(rules, "192.168.31.255", "u", "d", false)).hasValue("1");
        assertThat(matchedSource(rules, "192.168.32.0", "u", "d", false)).isEmpty();
        assertThat(matchedSource(rules, "192.168.15.255", "u", "d", false)).isEmpty();
        assertThat(matchedSource(rules, "10.1.2.3", "u", "d", false)).hasValue("2");
        assertThat(matchedSource(rules, "10.1.2.4", "u", "d", false)).isEmpty();
    }

    @Test
    void ipv6CidrMatchesByPrefixAndNeverAcrossFamilies() throws Exception {
        HbaRules rules = rules("host all all 2001:db8::/32 trust", "host all all 0.0.0.0/0 md5", "host all all ::/0 reject");
        assertThat(matchedSource(rules, "2001:db8:ffff::1", "u", "d", false)).hasValue("1");
        assertThat(matchedSource(rules, "2001:db9::1", "u", "d", false)).hasValue("3");
        assertThat(matchedSource(rules, "8.8.8.8", "u", "d", false)).hasValue("2");
        HbaRules v4only = rules("host all all 0.0.0.0/0 trust");
        assertThat(matchedSource(v4only, "::1", "u", "d", false)).isEmpty();
    }

    @Test
    void addressWithSeparateNetmaskColumn() throws Exception {
        HbaRules rules = rules(
                "host all all 192.168.1.0 255.255.255.0 scram-sha-256",
                "host all all fe80:: ffff:ffff:ffff:ffff:: trust");
        assertThat(matchedSource(rules, "192.168.1.200", "u", "d", false)).hasValue("1");
        assertThat(matchedSource(rules, "192.168.2.1", "u", "d", false)).isEmpty();
        assertThat(matchedSource(rules, "fe80::1234:1", "u", "d", false)).hasValue("2");
        assertThat(rules.rules().get(0).method()).isEqualTo(Method.SCRAM_SHA_256);
    }

    @Test
    void addressAllMatchesEveryClient() throws Exception {
        HbaRules rules = rules("host all all all reject");
        assertThat(matchedSource(rules, "1.2.3.4", "u", "d", false)).hasValue("1");
        assertThat(matchedSource(rules, "2001:db8::7", "u", "d", false)).hasValue("1");
    }

    @Test
    void md5AndPasswordAreAliasesForScram() throws Exception {
        HbaRules rules = rules("host a all all md5", "host b all all password", "host c all all scram-sha-256");
        assertThat(rules.rules()).extracting(HbaRule::method).containsOnly(Method.SCRAM_SHA_256);
        assertThat(rules.rules()).extracting(HbaRule::methodName).containsExactly("md5", "password", "scram-sha-256");
    }

    @Test
    void hostsslAndHostgssencNeverMatchWhileHostnosslAndHostnogssencDo() throws Exception {
        HbaRules rules = rules(
                "hostssl all all all reject",
                "hostgssenc all all all reject",
                "hostnossl a all all trust",
                "hostnogssenc b all all trust");
        assertThat(matchedSource(rules, "1.2.3.4", "u", "a", false)).hasValue("3");
        assertThat(matchedSource(rules, "1.2.3.4", "u", "b", false)).hasValue("4");
        assertThat(matchedSource(rules, "1.2.3.4", "u", "c", false)).isEmpty();
    }

    @Test
    void localLinesCommentsAndBlankLinesAreIgnored() throws Exception {
        HbaRules rules = rules(
                "# TYPE DATABASE USER ADDRESS METHOD",
                "",
                "local all all trust",
                "   \t  ",
                "host all all 127.0.0.1/32 trust # the only rule");
        assertThat(rules.rules()).hasSize(1);
        assertThat(rules.rules().get(0).source()).endsWith("hba.conf:5");
    }

    @Test
    void missingFileIsAnIoError() {
        assertThatThrownBy(() -> HbaRules.load(dir.resolve("nope.conf"))).isInstanceOf(java.io.IOException.class);
    }

    private void assertParseError(String line, int lineNo, String messagePart) {
        Path file = dir.resolve("bad.conf");
        assertThatThrownBy(() -> {
            Files.write(file, List.of("# header", "host all all 127.0.0.1/32 trust", line));
            HbaRules.load(file);
        }).isInstanceOfSatisfying(AuthFileException.class, e -> {
            assertThat(e.getMessage()).startsWith(file + ":" + lineNo + ": ").contains(messagePart);
            assertThat(e.line()).isEqualTo(lineNo);
            assertThat(e.file()).isEqualTo(file);
        });
    }

    @Test
    void parseErrorsNameFileAndLine() {
        assertParseError("hots all all 127.0.0.1/32 trust", 3, "invalid connection type \"hots\"");
        assertParseError("host all", 3, "end-of-line before role specification");
        assertParseError("host", 3, "end-of-line before database specification");
        assertParseError("host all all", 3, "end-of-line before IP address specification");
        assertParseError("host all all 127.0.0.1/32", 3, "end-of-line before authentication method");
        assertParseError("host all all 127.0.0.1/33 trust", 3, "invalid CIDR mask in address \"127.0.0.1/33\"");
        assertParseError("host all all ::1/129 trust", 3, "invalid CIDR mask");
        assertParseError("host all all 127.0.0.1/x trust", 3, "invalid CIDR mask");
        assertParseError("host all all 300.0.0.1/32 trust", 3, "invalid IP address \"300.0.0.1\"");
        assertParseError("host all all 127.0.0.1 trust", 3, "invalid IP mask \"trust\"");
        assertParseError("host all all 127.0.0.1", 3, "end-of-line before netmask specification");
        assertParseError("host all all 127.0.0.1 ffff:: trust", 3, "IP address and mask do not match");
        assertParseError("host all all 127.0.0.1/32 ldap", 3, "authentication method \"ldap\" is not supported");
        assertParseError("host all all 127.0.0.1/32 magic", 3, "invalid authentication method \"magic\"");
        assertParseError("host all all 127.0.0.1/32 trust map=x", 3, "authentication option \"map=x\" is not supported");
        assertParseError("host all all 127.0.0.1/32,10.0.0.0/8 trust", 3, "multiple values specified for host address");
        assertParseError("host all all 127.0.0.1/32 trust,reject", 3, "multiple values specified for authentication type");
        assertParseError("host \"all all 127.0.0.1/32 trust", 3, "unterminated quoted string");
        assertParseError("host @dbs all 127.0.0.1/32 trust", 3, "file inclusion \"@dbs\" is not supported");
        assertParseError("host all +admins 127.0.0.1/32 trust", 3, "group user \"+admins\" is not supported");
        assertParseError("host samerole all 127.0.0.1/32 trust", 3, "\"samerole\" is not supported");
        assertParseError("host all a,,b 127.0.0.1/32 trust", 3, "empty user name in list");
    }

    @Test
    void samehostSamenetAndHostNamesAreRefusedWithAClearMessage() {
        assertParseError("host all all samehost trust", 3, "\"samehost\" is not supported");
        assertParseError("host all all samenet trust", 3, "\"samenet\" is not supported");
        assertParseError("host all all db.example.com trust", 3, "host names are not supported");
        assertParseError("host all all .example.com trust", 3, "host names are not supported");
    }

    @Test
    void toStringShowsWhereARuleComesFrom() throws Exception {
        HbaRules rules = rules("host  all  all  127.0.0.1/32  trust   ");
        assertThat(rules.rules().get(0).toString()).endsWith("hba.conf:1: host  all  all  127.0.0.1/32  trust");
    }
}
