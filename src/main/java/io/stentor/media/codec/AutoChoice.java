package io.stentor.media.codec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@code OpusCodec.select("auto")} gives: decided once per JVM, on first use, and logged once. */
final class AutoChoice {

    private static final Logger LOG = LoggerFactory.getLogger(OpusCodec.class);
    private static final OpusCodec CODEC = choose();

    private AutoChoice() {
    }

    static OpusCodec codec() {
        return CODEC;
    }

    private static OpusCodec choose() {
        if (NativeOpus.isAvailable()) {
            LOG.info("Opus codec: native libopus (auto)");
            return NativeOpus.load().orElseThrow();
        }
        LOG.warn("Opus codec: pure Java Concentus (auto), because libopus cannot load here: {}",
                NativeOpus.loadFailure());
        return JavaOpus.INSTANCE;
    }
}
