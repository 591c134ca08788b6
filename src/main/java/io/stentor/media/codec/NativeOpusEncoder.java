package io.stentor.media.codec;

import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import tomp2p.opuswrapper.Opus;

/** A libopus encoder (see {@link NativeOpus}); one thread at a time. */
final class NativeOpusEncoder implements OpusCodec.Encoder {

    private final Opus lib;
    private final PointerByReference state;
    private final Cleaner.Cleanable freeState;
    // Direct buffers: JNA hands their address to libopus without copying or allocating per call.
    private final ShortBuffer pcmIn = ByteBuffer.allocateDirect(OpusCodec.FRAME_SAMPLES * Short.BYTES)
            .order(ByteOrder.nativeOrder()).asShortBuffer();
    private final ByteBuffer packetOut = ByteBuffer.allocateDirect(OpusCodec.MAX_PACKET_BYTES);
    private boolean closed;

    NativeOpusEncoder(Opus lib, OpusEncoderSettings settings) {
        this.lib = lib;
        IntBuffer error = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
        // AUDIO, not VOIP: the mixed programme goes out as a broadcast, so keep it faithful rather
        // than "enhanced" for a phone call. The VOICE signal hint below keeps speech in SILK/hybrid.
        this.state = lib.opus_encoder_create(OpusCodec.SAMPLE_RATE, 1, Opus.OPUS_APPLICATION_AUDIO, error);
        if (state == null || error.get(0) != Opus.OPUS_OK) {
            throw new IllegalStateException("libopus cannot create an encoder: " + NativeOpus.errorName(error.get(0)));
        }
        Opus owner = lib;
        PointerByReference handle = state;
        this.freeState = NativeOpus.CLEANER.register(this, () -> owner.opus_encoder_destroy(handle));
        try {
            set(Opus.OPUS_SET_BITRATE_REQUEST, settings.bitrateBitsPerSecond());
            set(Opus.OPUS_SET_COMPLEXITY_REQUEST, settings.complexity());
            // Without this hint libopus only tells speech from music at complexity >= 7 (where its
            // analysis runs) and below that codes speech at 32 kbit/s as CELT, which suits music.
            set(Opus.OPUS_SET_SIGNAL_REQUEST, Opus.OPUS_SIGNAL_VOICE);
            set(Opus.OPUS_SET_VBR_REQUEST, 1);
            set(Opus.OPUS_SET_VBR_CONSTRAINT_REQUEST, 1);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void set(int request, int value) {
        int rc = lib.opus_encoder_ctl(state, request, value);
        if (rc != Opus.OPUS_OK) {
            throw new IllegalStateException("libopus encoder_ctl " + request + "=" + value + " failed: "
                    + NativeOpus.errorName(rc));
        }
    }

    @Override
    public int encode(short[] pcm960, byte[] out) {
        FrameChecks.requireOpen(closed, "Opus encoder");
        FrameChecks.requireFrame(pcm960);
        FrameChecks.requirePacketRoom(out);
        pcmIn.clear();
        pcmIn.put(pcm960, 0, OpusCodec.FRAME_SAMPLES).flip();
        int length = lib.opus_encode(state, pcmIn, OpusCodec.FRAME_SAMPLES, packetOut, OpusCodec.MAX_PACKET_BYTES);
        if (length < 0) {
            throw new IllegalStateException("libopus encode failed: " + NativeOpus.errorName(length));
        }
        packetOut.get(0, out, 0, length);
        return length;
    }

    @Override
    public void close() {
        closed = true;
        freeState.clean(); // runs the destroy at most once, however often close is called
    }
}
