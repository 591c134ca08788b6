package io.stentor.media.codec;

import java.util.Locale;

/**
 * One Opus implementation (native libopus or pure-Java Concentus) behind the one shape Stentor
 * uses: 48 kHz mono, 20 ms frames of 960 16-bit samples. A codec only makes encoders and decoders;
 * it is immutable and any thread may call it. Each encoder and decoder it makes holds codec state
 * and must be used by one thread at a time.
 *
 * <pre>{@code
 * OpusCodec codec = OpusCodec.select("auto");
 * try (OpusCodec.Encoder enc = codec.newEncoder(OpusCodec.DEFAULT_BITRATE);
 *      OpusCodec.Decoder dec = codec.newDecoder()) {
 *     int n = enc.encode(pcm960, packet);          // packet.length >= MAX_PACKET_BYTES
 *     dec.decode(packet, 0, n, pcmOut960);          // throws OpusFormatException on junk
 *     dec.decodeLost(pcmOut960);                    // a frame that never arrived
 * }
 * }</pre>
 */
public interface OpusCodec {

    int SAMPLE_RATE = 48_000;
    /** Samples in one 20 ms mono frame at 48 kHz. */
    int FRAME_SAMPLES = 960;
    /** The largest 20 ms packet an encoder writes (510 kbit/s for 20 ms), and the largest a decoder takes. */
    int MAX_PACKET_BYTES = 1275;
    /** What a browser's WebCodecs encoder sends by default; clear speech, ~80 bytes a frame. */
    int DEFAULT_BITRATE = 32_000;

    /** {@code "native"} or {@code "java"}: what {@code select} calls this codec. */
    String name();

    /** A new encoder with these settings; the caller closes it. */
    Encoder newEncoder(OpusEncoderSettings settings);

    /** A new encoder at this bitrate and {@link OpusEncoderSettings#DEFAULT_COMPLEXITY}. */
    default Encoder newEncoder(int bitrateBitsPerSecond) {
        return newEncoder(OpusEncoderSettings.atBitrate(bitrateBitsPerSecond));
    }

    /** A new decoder; the caller closes it. */
    Decoder newDecoder();

    /**
     * The codec named {@code native}, {@code java} or {@code auto} (native when libopus loads on
     * this platform, else Java; the choice is logged once). Asking for {@code native} where it
     * cannot load is a configuration error and throws {@link IllegalStateException}.
     */
    static OpusCodec select(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "native" -> NativeOpus.load().orElseThrow(() -> new IllegalStateException(
                    "Opus codec 'native' was asked for but libopus cannot load here: " + NativeOpus.loadFailure()));
            case "java" -> JavaOpus.INSTANCE;
            case "auto" -> AutoChoice.codec();
            default -> throw new IllegalArgumentException(
                    "Unknown Opus codec '" + name + "'; expected native, java or auto.");
        };
    }

    /** Turns 20 ms of PCM into one Opus packet. Not thread-safe: one thread at a time. */
    interface Encoder extends AutoCloseable {

        /**
         * Encodes the first {@link #FRAME_SAMPLES} samples of {@code pcm960} into {@code out}
         * (at least {@link #MAX_PACKET_BYTES} long) and returns the packet's length in bytes.
         *
         * @throws IllegalStateException if closed, or if the codec itself fails
         */
        int encode(short[] pcm960, byte[] out);

        /** Frees the codec state; a second call does nothing. Must not race a call to {@code encode}. */
        @Override
        void close();
    }

    /** Turns Opus packets back into 20 ms of PCM. Not thread-safe: one thread at a time. */
    interface Decoder extends AutoCloseable {

        /**
         * Decodes {@code packet[offset, offset + length)} into the first {@link #FRAME_SAMPLES}
         * samples of {@code pcmOut960} and returns the number of samples written (always 960).
         * Takes exactly the packets {@link OpusPackets#check} accepts with a limit of
         * {@link #MAX_PACKET_BYTES}; after a rejected packet the decoder is reset and still usable.
         *
         * @throws OpusFormatException if the packet is not one this decoder can turn into 20 ms
         * @throws IllegalStateException if closed
         */
        int decode(byte[] packet, int offset, int length, short[] pcmOut960) throws OpusFormatException;

        /**
         * Conceals one lost 20 ms frame: writes 960 samples continuing what was heard before (fading
         * out over repeated losses) and returns 960.
         *
         * @throws IllegalStateException if closed
         */
        int decodeLost(short[] pcmOut960);

        /** Frees the codec state; a second call does nothing. Must not race a call to {@code decode}. */
        @Override
        void close();
    }
}
