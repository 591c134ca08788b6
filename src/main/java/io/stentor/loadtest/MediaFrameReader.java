package io.stentor.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A lean reader of the server's WebSocket frames for simulated listeners: it reads each media
 * message's sequence number and capture time straight from the bytes, without building frame
 * objects, so one client process can follow tens of thousands of listeners. Server frames are
 * never masked. Takes over from {@link WebSocketUpgrade} once the server has answered 101.
 */
final class MediaFrameReader extends ByteToMessageDecoder {

    /** What the reader reports. */
    interface Sink {
        void media(int sequence, long captureMicros);

        void closedByServer(int code);
    }

    private final Sink sink;

    MediaFrameReader(Sink sink) {
        this.sink = sink;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            int header = 2;
            long length = b1 & 0x7f;
            if (length == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0) {
                header += 4; // a masked frame from a server is a protocol error; skip the key and carry on
            }
            if (in.readableBytes() < header + length) {
                return;
            }
            int payload = start + header;
            int opcode = b0 & 0x0f;
            if (opcode == 2 && length >= 16) {
                sink.media(in.getInt(payload + 4), in.getLong(payload + 8));
            } else if (opcode == 8) {
                sink.closedByServer(length >= 2 ? in.getUnsignedShort(payload) : 1005);
            }
            in.readerIndex((int) (payload + length));
        }
    }
}
