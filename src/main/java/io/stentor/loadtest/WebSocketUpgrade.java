package io.stentor.loadtest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's half of a WebSocket upgrade, kept lean so one load generator can open thousands a
 * second: the request is written as bytes once connected, with RFC 6455's sample key (so the
 * accept value to expect is a constant, no hashing per connection); the answer's head is read from
 * the bytes; on 101 a {@link MediaFrameReader} takes over the connection, bytes already read
 * included. Any other answer fails the listener with its status and error code.
 */
final class WebSocketUpgrade extends ByteToMessageDecoder {

    /** The sample key of RFC 6455 section 1.3, and the accept value it must be answered with. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]{1,64})\"");

    private final byte[] request;
    private final ListenerProbe probe;
    private final Measurements m;
    private final MediaFrameReader.Sink sink;

    WebSocketUpgrade(URI target, ListenerProbe probe, Measurements m, MediaFrameReader.Sink sink) {
        this.probe = probe;
        this.m = m;
        this.sink = sink;
        String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        this.request = ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + target.getHost() + ":" + ClientSockets.port(target) + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "User-Agent: stentor-loadtest\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD_BYTES) {
                fail(ctx, "answer head over " + MAX_HEAD_BYTES + " bytes");
            }
            return;
        }
        probe.answered(m);
        String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        String[] status = head.substring(0, Math.max(0, head.indexOf('\r'))).split(" ", 3);
        if (status.length < 2 || !status[1].equals("101")) {
            String body = in.toString(end + 4, in.writerIndex() - end - 4, StandardCharsets.UTF_8);
            Matcher code = ERROR_CODE.matcher(body);
            fail(ctx, "HTTP " + (status.length < 2 ? "?" : status[1]) + (code.find() ? " " + code.group(1) : ""));
            return;
        }
        if (!head.toLowerCase(Locale.ROOT).contains("sec-websocket-accept: " + ACCEPT.toLowerCase(Locale.ROOT))) {
            fail(ctx, "101 without the expected Sec-WebSocket-Accept");
            return;
        }
        in.readerIndex(end + 4);
        probe.joined = true;
        // From here on the bytes are media messages; what is left of this read goes to the reader.
        ctx.pipeline().replace(this, "media-reader", new MediaFrameReader(sink));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        probe.failed = true;
        probe.failure = why;
        ctx.close();
    }

    /** Where the head's closing CRLFCRLF starts, or -1 while it has not all arrived. */
    private static int headEnd(ByteBuf in) {
        for (int i = in.readerIndex(); i + 3 < in.writerIndex(); i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r' && in.getByte(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
