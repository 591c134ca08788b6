package io.stentor.media.codec;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

/** A Concentus decoder (see {@link JavaOpus}); one thread at a time. */
final class JavaOpusDecoder implements OpusCodec.Decoder {

    private final OpusDecoder decoder;
    private boolean closed;

    JavaOpusDecoder() {
        try {
            decoder = new OpusDecoder(OpusCodec.SAMPLE_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus cannot create a decoder: " + e.getMessage(), e);
        }
    }

    @Override
    public int decode(byte[] packet, int offset, int length, short[] pcmOut960) throws OpusFormatException {
        FrameChecks.requireOpen(closed, "Opus decoder");
        FrameChecks.requireFrame(pcmOut960);
        FrameChecks.requireDecodable(packet, offset, length);
        int samples;
        try {
            samples = decoder.decode(packet, offset, length, pcmOut960, 0, OpusCodec.FRAME_SAMPLES, false);
        } catch (OpusException | RuntimeException | AssertionError e) {
            // Concentus is libopus ported line by line, and keeps the arithmetic checks that libopus
            // compiles out of release builds: its OpusAssert throws AssertionError whether or not
            // -ea is on, and a packet it cannot follow may also surface as an index error. Either
            // way the packet is at fault; a half-decoded one can leave the predictors anywhere, so
            // start the next one clean.
            decoder.resetState();
            throw new OpusFormatException(OpusPacketVerdict.MALFORMED, "Concentus could not decode a packet of "
                    + length + " bytes: " + e);
        }
        if (samples != OpusCodec.FRAME_SAMPLES) {
            decoder.resetState();
            throw new OpusFormatException(OpusPacketVerdict.MALFORMED, "Concentus decoded " + samples
                    + " samples from a 20 ms packet of " + length + " bytes");
        }
        return samples;
    }

    @Override
    public int decodeLost(short[] pcmOut960) {
        FrameChecks.requireOpen(closed, "Opus decoder");
        FrameChecks.requireFrame(pcmOut960);
        try {
            // A null packet asks Concentus, as libopus, to conceal the gap from its own state.
            return decoder.decode(null, 0, 0, pcmOut960, 0, OpusCodec.FRAME_SAMPLES, false);
        } catch (OpusException | RuntimeException | AssertionError e) {
            decoder.resetState();
            throw new IllegalStateException("Concentus concealment failed: " + e, e);
        }
    }

    /** Nothing native to free; after this, decode throws, as with the native decoder. */
    @Override
    public void close() {
        closed = true;
    }
}
