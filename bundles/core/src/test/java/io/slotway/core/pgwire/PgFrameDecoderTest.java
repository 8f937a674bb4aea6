package io.slotway.core.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.slotway.api.PgException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PgFrameDecoderTest {

    private static ByteBuf startup(String... kv) {
        ByteBuf body = Unpooled.buffer();
        body.writeInt(Protocol.PROTOCOL_3_0);
        for (String s : kv) {
            body.writeCharSequence(s, StandardCharsets.UTF_8);
            body.writeByte(0);
        }
        body.writeByte(0);
        ByteBuf out = Unpooled.buffer();
        out.writeInt(body.readableBytes() + 4);
        out.writeBytes(body);
        return out;
    }

    private static ByteBuf typed(char type, byte[] body) {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.writeBytes(body);
        return out;
    }

    private static byte[] cstrings(String... parts) {
        ByteBuf b = Unpooled.buffer();
        for (String p : parts) {
            b.writeCharSequence(p, StandardCharsets.UTF_8);
            b.writeByte(0);
        }
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    /** Feeds every byte separately and returns what came out. */
    private static List<Object> feedByteByByte(ByteBuf... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrameDecoder(1 << 20));
        for (ByteBuf frame : frames) {
            while (frame.isReadable()) {
                ch.writeInbound(frame.readRetainedSlice(1));
            }
            frame.release();
        }
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        assertThat(ch.finish()).isFalse();
        return out;
    }

    @Test
    void decodesSslRequestThenStartupThenQueryFedOneByteAtATime() {
        ByteBuf ssl = Unpooled.buffer().writeInt(8).writeInt(Protocol.SSL_REQUEST_CODE);
        List<Object> out = feedByteByByte(ssl, startup("user", "alice", "database", "db", "replication", "database"),
                typed('Q', cstrings("SELECT 1; SELECT 'é'")), typed('X', new byte[0]));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isInstanceOf(FrontendMessage.SslRequest.class);
        FrontendMessage.Startup s = (FrontendMessage.Startup) out.get(1);
        assertThat(s.major()).isEqualTo(3);
        assertThat(s.parameters()).containsEntry("user", "alice").containsEntry("replication", "database");
        assertThat(((FrontendMessage.Query) out.get(2)).sql()).isEqualTo("SELECT 1; SELECT 'é'");
        assertThat(out.get(3)).isInstanceOf(FrontendMessage.Terminate.class);
    }

    @Test
    void decodesExtendedProtocolMessages() {
        ByteBuf parse = Unpooled.buffer();
        parse.writeBytes(cstrings("s1", "select $1"));
        parse.writeShort(1).writeInt(23);
        ByteBuf bind = Unpooled.buffer();
        bind.writeBytes(cstrings("p1", "s1"));
        bind.writeShort(1).writeShort(0);
        bind.writeShort(2).writeInt(2).writeBytes("42".getBytes(StandardCharsets.UTF_8)).writeInt(-1);
        bind.writeShort(1).writeShort(1);
        ByteBuf exec = Unpooled.buffer().writeBytes(cstrings("p1")).writeInt(10);
        List<Object> out = feedByteByByte(startup("user", "u"), typed('P', bytes(parse)), typed('B', bytes(bind)),
                typed('D', bytes(Unpooled.buffer().writeByte('P').writeBytes(cstrings("p1")))),
                typed('E', bytes(exec)), typed('S', new byte[0]));
        FrontendMessage.Parse p = (FrontendMessage.Parse) out.get(1);
        assertThat(p.statement()).isEqualTo("s1");
        assertThat(p.parameterTypes()).containsExactly(23);
        FrontendMessage.Bind b = (FrontendMessage.Bind) out.get(2);
        assertThat(b.parameters()[0]).isEqualTo("42".getBytes(StandardCharsets.UTF_8));
        assertThat(b.parameters()[1]).isNull();
        assertThat(b.resultFormats()).containsExactly((short) 1);
        assertThat(((FrontendMessage.Describe) out.get(3)).kind()).isEqualTo((byte) 'P');
        assertThat(((FrontendMessage.Execute) out.get(4)).maxRows()).isEqualTo(10);
        assertThat(out.get(5)).isInstanceOf(FrontendMessage.Sync.class);
    }

    @Test
    void refusesAStartupPacketThatIsTooShortOrTooLong() {
        for (int length : new int[] {4, 7, 10001, -1}) {
            List<Object> out = feedByteByByte(Unpooled.buffer().writeInt(length).writeInt(0));
            assertThat(out).hasSize(1);
            PgException e = ((FrontendMessage.Invalid) out.get(0)).error();
            assertThat(e.sqlState()).isEqualTo("08P01");
            // PostgreSQL only logs this (COMMERROR) and closes: nothing goes to the client.
            assertThat(((FrontendMessage.Invalid) out.get(0)).silent()).isTrue();
            assertThat(e.severity()).isEqualTo(PgException.Severity.LOG);
            assertThat(e.getMessage()).isEqualTo("invalid length of startup packet");
        }
    }

    @Test
    void refusesAnOversizedMessageBeforeBufferingItsBody() {
        EmbeddedChannel ch = new EmbeddedChannel(new PgFrameDecoder(1000));
        ch.writeInbound(startup("user", "u"));
        ch.readInbound();
        ch.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(1_000_000));
        FrontendMessage.Invalid invalid = ch.readInbound();
        assertThat(invalid.fatal()).isTrue();
        assertThat(invalid.silent()).isTrue();
        assertThat(invalid.error().getMessage()).isEqualTo("invalid message length");
        // Everything after a broken frame is discarded.
        ch.writeInbound(typed('Q', cstrings("select 1")));
        assertThat((Object) ch.readInbound()).isNull();
        ch.finish();
    }

    @Test
    void reportsUnknownMessageTypesAsFatalAndBadContentAsAnError() {
        List<Object> out = feedByteByByte(startup("user", "u"), typed('Q', "no terminator".getBytes(StandardCharsets.UTF_8)),
                typed('z', new byte[0]));
        FrontendMessage.Invalid content = (FrontendMessage.Invalid) out.get(1);
        assertThat(content.fatal()).isFalse();
        assertThat(content.error().getMessage()).isEqualTo("invalid string in message");
        FrontendMessage.Invalid type = (FrontendMessage.Invalid) out.get(2);
        assertThat(type.fatal()).isTrue();
        assertThat(type.error().getMessage()).isEqualTo("invalid frontend message type 122");
    }

    @Test
    void neverThrowsOnRandomInput() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            EmbeddedChannel ch = new EmbeddedChannel(new PgFrameDecoder(1 << 16));
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            ByteBuf in = round % 2 == 0 ? startup("user", "u") : Unpooled.buffer();
            in.writeBytes(junk);
            ch.writeInbound(in);
            Object m;
            while ((m = ch.readInbound()) != null) {
                assertThat(m).isInstanceOf(FrontendMessage.class);
            }
            ch.finishAndReleaseAll();
        }
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
