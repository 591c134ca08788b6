package io.stentor.media.codec;

import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import tomp2p.opuswrapper.Opus;

/** A libopus decoder (see {@link NativeOpus}); one thread at a time. */
final class NativeOpusDecoder implements OpusCodec.Decoder {

    private final Opus lib;
    private final PointerByReference state;
    private final Cleaner.Cleanable freeState;
    /** The packet, copied to offset 0 because the binding takes a whole array, not a slice. */
    private final byte[] packetIn = new byte[OpusCodec.MAX_PACKET_BYTES];
    private final ShortBuffer pcmOut = ByteBuffer.allocateDirect(OpusCodec.FRAME_SAMPLES * Short.BYTES)
            .order(ByteOrder.nativeOrder()).asShortBuffer();
    private boolean closed;

    NativeOpusDecoder(Opus lib) {
        this.lib = lib;
        IntBuffer error = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
        this.state = lib.opus_decoder_create(OpusCodec.SAMPLE_RATE, 1, error);
        if (state == null || error.get(0) != Opus.OPUS_OK) {
            throw new IllegalStateException("libopus cannot create a decoder: " + NativeOpus.errorName(error.get(0)));
        }
        Opus owner = lib;
        PointerByReference handle = state;
        this.freeState = NativeOpus.CLEANER.register(this, () -> owner.opus_decoder_destroy(handle));
    }

    @Override
    public int decode(byte[] packet, int offset, int length, short[] pcmOut960) throws OpusFormatException {
        FrameChecks.requireOpen(closed, "Opus decoder");
        FrameChecks.requireFrame(pcmOut960);
        FrameChecks.requireDecodable(packet, offset, length);
        System.arraycopy(packet, offset, packetIn, 0, length);
        int samples = lib.opus_decode(state, packetIn, length, pcmOut, OpusCodec.FRAME_SAMPLES, 0);
        if (samples != OpusCodec.FRAME_SAMPLES) {
            // A half-decoded packet can leave the predictors anywhere; start the next one clean.
            lib.opus_decoder_ctl(state, Opus.OPUS_RESET_STATE);
            throw new OpusFormatException(OpusPacketVerdict.MALFORMED, "libopus could not decode a packet of "
                    + length + " bytes: " + (samples < 0 ? NativeOpus.errorName(samples) : samples + " samples"));
        }
        pcmOut.get(0, pcmOut960, 0, samples);
        return samples;
    }

    @Override
    public int decodeLost(short[] pcmOut960) {
        FrameChecks.requireOpen(closed, "Opus decoder");
        FrameChecks.requireFrame(pcmOut960);
        // A null packet asks libopus to conceal the gap from its own state.
        int samples = lib.opus_decode(state, null, 0, pcmOut, OpusCodec.FRAME_SAMPLES, 0);
        if (samples != OpusCodec.FRAME_SAMPLES) {
            throw new IllegalStateException("libopus concealment failed: " + NativeOpus.errorName(samples));
        }
        pcmOut.get(0, pcmOut960, 0, samples);
        return samples;
    }

    @Override
    public void close() {
        closed = true;
        freeState.clean(); // runs the destroy at most once, however often close is called
    }
}
