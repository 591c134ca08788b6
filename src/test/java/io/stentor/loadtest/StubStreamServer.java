package io.stentor.loadtest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.stentor.media.ogg.OggOpusStream;
import io.stentor.media.ogg.OpusTags;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately simple stream server with known behaviour, to check the load generator against:
 * it sends one 20 ms frame of audio every {@code periodMillis} (20 = real time, 40 = half speed),
 * stamped as captured {@code delayMillis} before it is sent; with {@code loseEvery} n > 0, every
 * n-th frame of the WebSocket stream is never sent (a gap in its sequence numbers).
 */
final class StubStreamServer implements AutoCloseable {

    /** A valid 20 ms mono Opus packet (CELT, 20 ms: TOC 0xF8) holding silence. */
    static final byte[] SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    StubStreamServer(boolean webSocket, int periodMillis, int delayMillis) throws InterruptedException {
        this(webSocket, periodMillis, delayMillis, 0);
    }

    StubStreamServer(boolean webSocket, int periodMillis, int delayMillis, int loseEvery) throws InterruptedException {
        server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (webSocket) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/listen"), new WsSender(periodMillis, delayMillis, loseEvery));
                        } else {
                            ch.pipeline().addLast(new HttpServerCodec(), new OggSender(periodMillis));
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class WsSender extends ChannelInboundHandlerAdapter {
        private final int period;
        private final int delay;
        private final int loseEvery;
        private int seq;

        WsSender(int period, int delay, int loseEvery) {
            this.period = period;
            this.delay = delay;
            this.loseEvery = loseEvery;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.executor().scheduleAtFixedRate(() -> {
                    if (loseEvery > 0 && seq % loseEvery == loseEvery - 1) {
                        seq++; // this frame is lost: its sequence number is skipped
                        return;
                    }
                    ByteBuf b = Unpooled.buffer(16 + SILENCE.length);
                    b.writeByte(1).writeByte(0).writeShort(0).writeInt(seq++)
                            .writeLong(System.currentTimeMillis() * 1000 - delay * 1000L).writeBytes(SILENCE);
                    ctx.writeAndFlush(new BinaryWebSocketFrame(b));
                }, 0, period, TimeUnit.MILLISECONDS);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    private static final class OggSender extends ChannelInboundHandlerAdapter {
        private final int period;

        OggSender(int period) {
            this.period = period;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                res.headers().set("Content-Type", "audio/ogg");
                ctx.writeAndFlush(res);
                OggOpusStream ogg = new OggOpusStream(1, 312, new OpusTags("stub", List.of()));
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ogg.headerPages()));
                ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(
                        ogg.audioPage(List.of(SILENCE), false))), 0, period, TimeUnit.MILLISECONDS);
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
