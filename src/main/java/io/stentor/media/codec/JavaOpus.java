package io.stentor.media.codec;

/**
 * Opus in pure Java through Concentus, a line-by-line port of libopus: runs on every platform the
 * JVM does, at several times libopus's CPU cost and with a lot of garbage per encoded frame. The
 * fallback when {@link NativeOpus} cannot load. Stateless; any thread.
 */
public final class JavaOpus implements OpusCodec {

    public static final JavaOpus INSTANCE = new JavaOpus();

    private JavaOpus() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Encoder newEncoder(OpusEncoderSettings settings) {
        return new JavaOpusEncoder(settings);
    }

    @Override
    public Decoder newDecoder() {
        return new JavaOpusDecoder();
    }
}
