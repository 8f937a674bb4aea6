package io.slotway.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.slotway.api.change.Publication;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PUBLICATION record and the history file's entry encoding. */
class PublicationRecordTest {
    static final Publication FULL = new Publication(16500, "pub", false, Set.of(16384L, 16390L, 4_000_000_000L),
            Set.of("sales", "Mixed Case"), true, false, true, false, true);
    static final Publication ALL = new Publication(16501, "all", true, Set.of(), Set.of(), true, true, true, true, false);

    @Test
    void aDefinitionRoundTrips() throws Exception {
        for (Publication p : new Publication[] {FULL, ALL}) {
            byte[] payload = RecordCodec.publication(p.name(), p);
            assertThat(RecordCodec.kind(payload)).isEqualTo(RecordCodec.PUBLICATION);
            RecordCodec.PublicationChange back = RecordCodec.decodePublication(payload);
            assertThat(back.name()).isEqualTo(p.name());
            assertThat(back.after()).isEqualTo(p);
        }
    }

    @Test
    void aDropHasNoDefinition() throws Exception {
        RecordCodec.PublicationChange back = RecordCodec.decodePublication(RecordCodec.publication("gone", null));
        assertThat(back.name()).isEqualTo("gone");
        assertThat(back.after()).isNull();
    }

    @Test
    void theEncodingIsStableWhateverTheSetsOrder() {
        Publication a = new Publication(1, "p", false, Set.of(3L, 1L, 2L), Set.of("b", "a"), true, true, true, true, false);
        Publication b = new Publication(1, "p", false, Set.of(2L, 3L, 1L), Set.of("a", "b"), true, true, true, true, false);
        assertThat(RecordCodec.publication("p", a)).isEqualTo(RecordCodec.publication("p", b));
    }

    @Test
    void unknownFieldsAreSkippedAndUnpackedTablesAreRead() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, 7);
        out.writeString(2, "p");
        out.writeUInt64(4, 10); // one value per tag instead of packed
        out.writeUInt64(4, 11);
        out.writeString(99, "from a later version");
        out.writeBool(6, true);
        out.flush();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(record);
        r.writeString(1, "p");
        r.writeByteArray(2, bytes.toByteArray());
        r.writeUInt32(50, 1);
        r.flush();
        byte[] payload = new byte[record.size() + 1];
        payload[0] = RecordCodec.PUBLICATION;
        System.arraycopy(record.toByteArray(), 0, payload, 1, record.size());
        Publication p = RecordCodec.decodePublication(payload).after();
        assertThat(p).isEqualTo(new Publication(7, "p", false, Set.of(10L, 11L), Set.of(), true, false, false, false, false));
    }

    @Test
    void historyEntriesRoundTrip() throws Exception {
        PublicationHistory.Entry e = new PublicationHistory.Entry(0x1000040, 0x1000100, "pub", FULL);
        assertThat(PublicationHistory.decode(PublicationHistory.encode(e))).isEqualTo(e);
        PublicationHistory.Entry drop = new PublicationHistory.Entry(0x1000040, 0x1000100, "pub", null);
        assertThat(PublicationHistory.decode(PublicationHistory.encode(drop))).isEqualTo(drop);
    }
}
