package io.stentor.media;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The fan-out of one 110-byte frame (a pre-framed 20 ms media message) to N real loopback TCP
 * listeners, measured until every listener's write has been handed to the kernel. Time per
 * operation divided by N is the cost per listener per frame, the figure that bounds a node.
 * Client sockets read and discard on their own event loop in the same process.
 *
 * <pre>bench/jmh.sh FanoutBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FanoutBenchmark {

    @Param({"100", "1000"})
    int listeners;

    /** 1 = a socket write per frame; 4 = let the fan-out coalesce up to 4 frames per write. */
    @Param({"1", "4"})
    int maxFramesPerWrite;

    private EventLoopGroup serverLoops;
    private EventLoopGroup clientLoops;
    private Channel server;
    private final List<Channel> accepted = new CopyOnWriteArrayList<>();
    private final List<Channel> clients = new CopyOnWriteArrayList<>();
    private Fanout fanout;
    private MediaStage stage;
    private ByteBuf frame;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        serverLoops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        clientLoops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(serverLoops).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Bootstrap b = new Bootstrap().group(clientLoops).channel(EpollSocketChannel.class)
                .handler(new Discard());
        for (int i = 0; i < listeners; i++) {
            clients.add(b.connect(server.localAddress()).sync().channel());
        }
        while (accepted.size() < listeners) {
            Thread.sleep(10);
        }
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        stage = new MediaStage("bench", reg);
        fanout = new Fanout(stage, Timer.builder("t").register(reg), () -> { }, 1_000_000,
                1_000_000, maxFramesPerWrite, null, null);
        for (Channel ch : accepted) {
            fanout.add(ch, () -> { });
        }
        while (fanout.size() < listeners) {
            Thread.sleep(10);
        }
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(110).writeZero(110);
    }

    @Benchmark
    public void publishToAll() throws InterruptedException {
        fanout.publish(frame.retain(), seq++, 0);
        // Each loop runs its tasks in order: when this marker runs, its listeners have all been written.
        CountDownLatch done = new CountDownLatch(2);
        for (EventExecutor loop : serverLoops) {
            loop.execute(done::countDown);
        }
        done.await();
    }

    /** The listeners' side: read and forget. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Frames a listener could not take (its socket full) are dropped, which is cheap: a figure with
     * drops would flatter the fan-out. Said after every iteration so such a run is seen and not used.
     */
    @TearDown(Level.Iteration)
    public void reportDrops() {
        double dropped = stage.dropped(DropReason.SLOW_LISTENER);
        if (dropped > 0) {
            System.out.printf("%n  DROPPED %.0f listener-frames so far: this run's figure understates the cost%n", dropped);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        clients.forEach(Channel::close);
        server.close();
        frame.release();
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
