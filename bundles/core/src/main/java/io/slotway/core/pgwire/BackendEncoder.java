package io.slotway.core.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link BackendMessage}s in protocol 3.0 framing: type byte, length word, body. */
@Sharable
public final class BackendEncoder extends MessageToByteEncoder<BackendMessage> {

    @Override
    protected void encode(ChannelHandlerContext ctx, BackendMessage msg, ByteBuf out) {
        encodeTo(msg, out);
    }

    /** Appends the wire form of {@code msg} to {@code out}; the two untyped messages write themselves whole. */
    public static void encodeTo(BackendMessage msg, ByteBuf out) {
        if (msg instanceof BackendMessage.EncryptionResponse || msg instanceof BackendMessage.ErrorResponseV2) {
            msg.writeBody(out);
            return;
        }
        int start = out.writerIndex();
        out.writeByte(msg.type());
        out.writeInt(0);
        msg.writeBody(out);
        out.setInt(start + 1, out.writerIndex() - start - 1);
    }
}
