package io.stentor.media.codec;

/**
 * Opus in pure Java through Concentus, a line-by-line port of libopus: runs wherever the JVM does.
 * Once the JIT has warmed up (a few seconds of frames) it costs ~1.7× libopus per encoded frame
 * and ~1.6× per decoded one, and leaves ~115 KB of garbage per encode and ~24 KB per decode
 * (OpusCodecBenchmark). The fallback when {@link NativeOpus} cannot load. Stateless; any thread.
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
