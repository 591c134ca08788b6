package io.stentor.loadtest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;

/**
 * A simulated HTTP stream listener (Stentor's Ogg tier, Icecast, any Ogg audio URL): counts bytes
 * and follows the Ogg granule positions to know how many seconds of audio arrived inside the
 * measurement window, and how much arrived at once on connect (a burst from the past means the
 * listener starts behind the live edge).
 */
final class HttpStreamListener extends ProbeHandler<HttpObject> {

    private final OggPageScanner scanner;

    HttpStreamListener(ListenerProbe probe, Measurements m) {
        super(probe, m);
        this.scanner = new OggPageScanner(this::granule);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpResponse res) {
            probe.answered(m);
            if (res.status().code() != 200) {
                probe.failed = true;
                probe.failure = "HTTP " + res.status().code();
                ctx.close();
                return;
            }
            probe.joined = true;
        }
        if (msg instanceof HttpContent content && content.content().isReadable()) {
            long now = System.nanoTime();
            probe.audioArrived(now, m);
            probe.bytes += content.content().readableBytes();
            scanner.feed(content.content());
        }
    }

    private void granule(long granule) {
        long now = System.nanoTime();
        if (probe.firstGranule < 0) {
            probe.firstGranule = granule;
        }
        if (now - probe.firstByteNanos <= 1_000_000_000L) {
            probe.audioInFirstSecond = (granule - probe.firstGranule) / 48_000.0;
        }
        if (now < m.windowStartNanos) {
            // The last page before the window is the baseline: with long pages (Icecast's 1 s pages)
            // counting from the first page inside the window would miss up to a page of audio.
            probe.firstGranuleInWindow = granule;
        } else if (m.inWindow(now)) {
            if (probe.firstGranuleInWindow < 0) {
                probe.firstGranuleInWindow = granule;
            }
            probe.lastGranuleInWindow = granule;
        }
    }
}
