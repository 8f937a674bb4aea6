package io.slotway.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Publication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicationHistoryTest {
    @TempDir
    Path dir;

    static Publication pub(String name, long... tables) {
        Set<Long> t = new java.util.HashSet<>();
        for (long x : tables) {
            t.add(x);
        }
        return new Publication(16500, name, false, t, Set.of(), true, true, true, true, false);
    }

    static PublicationHistory.Entry entry(long lsn, String name, Publication after) {
        return new PublicationHistory.Entry(lsn, lsn + 0x100, name, after);
    }

    @Test
    void aDefinitionAppliesStrictlyAfterItsRecord() throws Exception {
        PublicationHistory h = PublicationHistory.in(dir, true);
        h.reset(List.of());
        h.append(List.of(entry(100, "p", pub("p", 1))));
        h.append(List.of(entry(200, "p", pub("p", 1, 2)), entry(250, "q", pub("q"))));
        h.append(List.of(entry(300, "p", null)));
        assertThat(h.at("p", 100)).isEmpty();
        assertThat(h.at("p", 101)).contains(pub("p", 1));
        assertThat(h.at("p", 200)).contains(pub("p", 1));
        assertThat(h.at("p", 201)).contains(pub("p", 1, 2));
        assertThat(h.at("p", 301)).isEmpty();
        assertThat(h.at("q", 1000)).contains(pub("q"));
        assertThat(h.at("nope", 1000)).isEmpty();
        assertThat(h.latest()).containsOnlyKeys("q");
    }

    @Test
    void whatWasAppendedIsReadBackAndATornAppendIsIgnored() throws Exception {
        PublicationHistory h = PublicationHistory.in(dir, true);
        h.reset(List.of());
        h.append(List.of(entry(100, "p", pub("p", 1))));
        h.append(List.of(entry(200, "p", null)));
        Files.write(dir.resolve(PublicationHistory.FILE), new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5}, StandardOpenOption.APPEND);
        PublicationHistory again = PublicationHistory.in(dir, true);
        assertThat(again.read()).containsExactly(entry(100, "p", pub("p", 1)), entry(200, "p", null));
        again.reset(again.read());
        assertThat(again.read()).hasSize(2);
        assertThat(again.at("p", 150)).contains(pub("p", 1));
        assertThat(again.at("p", 250)).isEmpty();
    }

    @Test
    void aCorruptRecordEndsTheFile() throws Exception {
        PublicationHistory h = PublicationHistory.in(dir, true);
        h.reset(List.of(entry(100, "p", pub("p")), entry(200, "q", pub("q"))));
        byte[] bytes = Files.readAllBytes(dir.resolve(PublicationHistory.FILE));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve(PublicationHistory.FILE), bytes);
        assertThat(PublicationHistory.in(dir, true).read()).containsExactly(entry(100, "p", pub("p")));
    }

    @Test
    void compactionKeepsTheLastDefinitionBeforeTheCutAndAnswersTheSameAfterIt() throws Exception {
        PublicationHistory h = PublicationHistory.in(dir, true);
        h.reset(List.of(entry(100, "p", pub("p", 1)), entry(200, "p", pub("p", 2)), entry(300, "q", pub("q")),
                entry(400, "q", null), entry(500, "p", pub("p", 3)), entry(600, "r", pub("r"))));
        long cut = 450;
        List<Optional<Publication>> before = List.of(h.at("p", cut), h.at("q", cut), h.at("p", 501), h.at("r", 601));
        h.compact(cut);
        assertThat(h.entries()).containsExactly(entry(200, "p", pub("p", 2)), entry(500, "p", pub("p", 3)),
                entry(600, "r", pub("r")));
        assertThat(List.of(h.at("p", cut), h.at("q", cut), h.at("p", 501), h.at("r", 601))).isEqualTo(before);
        assertThat(PublicationHistory.in(dir, true).read()).isEqualTo(h.entries());
    }
}
