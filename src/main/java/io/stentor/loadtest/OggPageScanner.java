package io.stentor.loadtest;

import io.netty.buffer.ByteBuf;
import java.util.function.LongConsumer;

/**
 * Finds Ogg pages in a byte stream as it arrives, in pieces of any size, and reports each page's
 * granule position (the audio time it reaches). Does not check CRCs or keep bodies: a listener
 * only needs to know how much audio it has received. One per connection; not thread-safe.
 */
final class OggPageScanner {

    private static final int FIXED_HEADER = 27;

    private final byte[] header = new byte[FIXED_HEADER + 255];
    private final LongConsumer onGranule;
    private int have;       // header bytes collected
    private int need = FIXED_HEADER;
    private long skip;      // body bytes still to skip
    private boolean lost;

    OggPageScanner(LongConsumer onGranule) {
        this.onGranule = onGranule;
    }

    /** True once the stream stopped looking like Ogg (the scanner then ignores the rest). */
    boolean lost() {
        return lost;
    }

    void feed(ByteBuf in) {
        while (in.isReadable() && !lost) {
            if (skip > 0) {
                int n = (int) Math.min(skip, in.readableBytes());
                in.skipBytes(n);
                skip -= n;
                continue;
            }
            int n = Math.min(need - have, in.readableBytes());
            in.readBytes(header, have, n);
            have += n;
            if (have < need) {
                return;
            }
            if (need == FIXED_HEADER) {
                if (header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S') {
                    lost = true;
                    return;
                }
                need = FIXED_HEADER + (header[26] & 0xff);
                if (need > FIXED_HEADER) {
                    continue;
                }
            }
            long body = 0;
            for (int i = FIXED_HEADER; i < need; i++) {
                body += header[i] & 0xff;
            }
            long granule = 0;
            for (int i = 13; i >= 6; i--) {
                granule = (granule << 8) | (header[i] & 0xff);
            }
            if (granule > 0) { // header pages are 0; a page where no packet ends is -1
                onGranule.accept(granule);
            }
            skip = body;
            have = 0;
            need = FIXED_HEADER;
        }
    }
}
