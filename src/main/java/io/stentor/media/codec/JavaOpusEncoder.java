package io.stentor.media.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/** A Concentus encoder (see {@link JavaOpus}), set up like {@link NativeOpusEncoder}; one thread at a time. */
final class JavaOpusEncoder implements OpusCodec.Encoder {

    private final OpusEncoder encoder;
    private boolean closed;

    JavaOpusEncoder(OpusEncoderSettings settings) {
        try {
            encoder = new OpusEncoder(OpusCodec.SAMPLE_RATE, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus cannot create an encoder: " + e.getMessage(), e);
        }
        encoder.setBitrate(settings.bitrateBitsPerSecond());
        encoder.setComplexity(settings.complexity());
        encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE); // why: see NativeOpusEncoder
        encoder.setUseVBR(true);
        encoder.setUseConstrainedVBR(true);
    }

    @Override
    public int encode(short[] pcm960, byte[] out) {
        FrameChecks.requireOpen(closed, "Opus encoder");
        FrameChecks.requireFrame(pcm960);
        FrameChecks.requirePacketRoom(out);
        try {
            return encoder.encode(pcm960, 0, OpusCodec.FRAME_SAMPLES, out, 0, OpusCodec.MAX_PACKET_BYTES);
        } catch (OpusException | RuntimeException | AssertionError e) {
            // AssertionError: Concentus's always-on arithmetic checks (see JavaOpusDecoder).
            encoder.resetState();
            throw new IllegalStateException("Concentus encode failed: " + e, e);
        }
    }

    /** Nothing native to free; after this, encode throws, as with the native encoder. */
    @Override
    public void close() {
        closed = true;
    }
}
