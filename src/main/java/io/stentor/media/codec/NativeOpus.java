package io.stentor.media.codec;

import club.minnced.opus.util.OpusLibrary;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Optional;
import tomp2p.opuswrapper.Opus;

/**
 * Opus through libopus, the reference C implementation (1.1.2, as bundled by opus-java for Linux,
 * macOS and Windows), called through JNA. The library is loaded at most once per JVM, on the first call to
 * {@link #load()}; where it cannot load, {@code load()} is empty and callers fall back to
 * {@link JavaOpus}. Immutable; any thread.
 */
public final class NativeOpus implements OpusCodec {

    /** Frees native codec state that nobody closed, once its Java owner is unreachable. */
    static final Cleaner CLEANER = Cleaner.create();

    private final Opus lib;

    private NativeOpus(Opus lib) {
        this.lib = lib;
    }

    /** The native codec, or empty if libopus (or JNA's own native part) cannot load here. */
    public static Optional<NativeOpus> load() {
        return Loaded.CODEC;
    }

    /** True when {@link #load()} gives a codec. */
    public static boolean isAvailable() {
        return Loaded.CODEC.isPresent();
    }

    /** Why {@link #load()} is empty, or null when it is not. */
    static String loadFailure() {
        return Loaded.FAILURE;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public Encoder newEncoder(OpusEncoderSettings settings) {
        return new NativeOpusEncoder(lib, settings);
    }

    @Override
    public Decoder newDecoder() {
        return new NativeOpusDecoder(lib);
    }

    /** Holder: the class initialiser runs the one load attempt, the first time anyone asks. */
    private static final class Loaded {
        static final Optional<NativeOpus> CODEC;
        static final String FAILURE;

        static {
            NativeOpus codec = null;
            String failure;
            try {
                codec = new NativeOpus(loadLibrary());
                failure = null;
            } catch (Exception | LinkageError e) {
                // LinkageError covers a missing or foreign-architecture libopus and a JNA that has
                // no native part for this platform (UnsatisfiedLinkError, NoClassDefFoundError).
                failure = e.toString();
            }
            CODEC = Optional.ofNullable(codec);
            FAILURE = failure;
        }
    }

    private static Opus loadLibrary() throws Exception {
        if (!OpusLibrary.isSupportedPlatform()) {
            throw new UnsupportedOperationException("opus-java bundles no libopus for this platform; it has "
                    + OpusLibrary.getSupportedPlatforms());
        }
        // Extracts the bundled library and sets the "opus.lib" property that Opus.INSTANCE loads
        // from; touching Opus before this would fail its class initialiser for good.
        OpusLibrary.loadFromJar();
        Opus lib = Opus.INSTANCE;
        // Prove the symbols resolve and the library works before anyone relies on it.
        IntBuffer error = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
        PointerByReference decoder = lib.opus_decoder_create(SAMPLE_RATE, 1, error);
        if (decoder == null || error.get(0) != Opus.OPUS_OK) {
            throw new IllegalStateException("libopus loaded but cannot create a decoder: " + errorName(error.get(0)));
        }
        lib.opus_decoder_destroy(decoder);
        return lib;
    }

    /** libopus's name for one of its negative return codes (opus_defines.h). */
    static String errorName(int code) {
        return switch (code) {
            case Opus.OPUS_BAD_ARG -> "OPUS_BAD_ARG";
            case Opus.OPUS_BUFFER_TOO_SMALL -> "OPUS_BUFFER_TOO_SMALL";
            case Opus.OPUS_INTERNAL_ERROR -> "OPUS_INTERNAL_ERROR";
            case Opus.OPUS_INVALID_PACKET -> "OPUS_INVALID_PACKET";
            case Opus.OPUS_UNIMPLEMENTED -> "OPUS_UNIMPLEMENTED";
            case Opus.OPUS_INVALID_STATE -> "OPUS_INVALID_STATE";
            case Opus.OPUS_ALLOC_FAIL -> "OPUS_ALLOC_FAIL";
            default -> "error " + code;
        };
    }
}
