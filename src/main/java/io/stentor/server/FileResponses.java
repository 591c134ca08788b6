package io.stentor.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.stentor.error.StentorException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a file (a replay) with HTTP Range support: the whole file (200), one range (206 with
 * Content-Range), or 416 when the range lies outside it. The bytes go from the page cache to the
 * socket without passing through the JVM (a file region).
 */
final class FileResponses {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** The bytes to send: all of them, or one range of a single-range request (RFC 9110 §14). */
    record ByteRange(long start, long end, boolean partial) {

        /** Null when the range cannot be satisfied (416); the whole file when there is no usable range. */
        static ByteRange of(String header, long length) {
            ByteRange all = new ByteRange(0, length - 1, false);
            Matcher m = header == null ? null : RANGE.matcher(header.trim());
            if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                return all; // none, or a form we do not serve (several ranges): the whole file is a valid answer
            }
            if (m.group(1).isEmpty()) { // the last N bytes
                long n = Long.parseLong(m.group(2));
                return n == 0 ? null : new ByteRange(Math.max(0, length - n), length - 1, true);
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? length - 1 : Long.parseLong(m.group(2));
            if (!m.group(2).isEmpty() && last < first) {
                return all; // invalid, so ignored
            }
            if (first >= length) {
                return null;
            }
            return new ByteRange(first, Math.min(last, length - 1), true);
        }
    }

    private FileResponses() {
    }

    static CompletableFuture<Void> send(ChannelHandlerContext ctx, ApiResponse res, String range, boolean keepAlive,
            IntConsumer recordStatus, Runnable done) {
        RandomAccessFile raf;
        long length;
        try {
            raf = new RandomAccessFile(res.file.toFile(), "r");
            length = raf.length();
        } catch (IOException e) {
            return sendError(ctx, StentorException.notFound("file_not_found", "The file is gone."), keepAlive, recordStatus,
                    done);
        }
        ByteRange r = ByteRange.of(range, length);
        if (r == null) {
            closeQuietly(raf);
            HttpResponse no = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            no.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
            no.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            recordStatus.accept(416);
            return write(ctx, no, null, keepAlive, done);
        }
        long start = r.start();
        long end = r.end();
        HttpResponseStatus status = r.partial() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, res.contentType);
        head.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        head.headers().set("X-Content-Type-Options", "nosniff");
        head.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, end - start + 1);
        if (status == HttpResponseStatus.PARTIAL_CONTENT) {
            head.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + length);
        }
        res.headers.forEach(head.headers()::set);
        recordStatus.accept(status.code());
        return write(ctx, head, new DefaultFileRegion(raf.getChannel(), start, end - start + 1), keepAlive, done);
    }

    private static CompletableFuture<Void> write(ChannelHandlerContext ctx, HttpResponse head, DefaultFileRegion body,
            boolean keepAlive, Runnable done) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        head.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.write(head);
        if (body != null) {
            ctx.write(body); // the region closes the file once sent
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
            ctx.executor().execute(done);
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
            }
            finished.complete(null);
        });
        return finished;
    }

    private static CompletableFuture<Void> sendError(ChannelHandlerContext ctx, StentorException e, boolean keepAlive,
            IntConsumer recordStatus, Runnable done) {
        recordStatus.accept(e.kind().status);
        CompletableFuture<Void> finished = new CompletableFuture<>();
        var out = HttpDispatcher.toNetty(ErrorResponses.of(e, null));
        out.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(out).addListener(f -> {
            ctx.executor().execute(done);
            if (!keepAlive) {
                ctx.close();
            }
            finished.complete(null);
        });
        return finished;
    }

    private static void closeQuietly(RandomAccessFile f) {
        try {
            f.close();
        } catch (IOException ignored) {
            // read-only handle
        }
    }
}
