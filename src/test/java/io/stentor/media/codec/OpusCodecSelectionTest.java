package io.stentor.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import club.minnced.opus.util.OpusLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which codec a name gives, and that a platform without the native library still gets working Opus. */
class OpusCodecSelectionTest {

    @Test
    void nativeLibopusLoadsWhereverOpusJavaBundlesIt() {
        assertThat(NativeOpus.isAvailable()).isEqualTo(OpusLibrary.isSupportedPlatform());
        assertThat(NativeOpus.loadFailure()).isNull();
    }

    @Test
    void namesSelectTheirCodecAndAutoPrefersNative() {
        assertThat(OpusCodec.select("java")).isSameAs(JavaOpus.INSTANCE);
        assertThat(OpusCodec.select(" Native ").name()).isEqualTo("native");
        assertThat(OpusCodec.select("auto").name()).isEqualTo("native");
    }

    @Test
    void anUnknownNameIsAConfigurationError() {
        assertThatThrownBy(() -> OpusCodec.select("ffmpeg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("native, java or auto");
    }

    @Test
    void encoderSettingsOutsideWhatOpusHonoursAreRefused() {
        assertThatThrownBy(() -> JavaOpus.INSTANCE.newEncoder(1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpusEncoderSettings(32_000, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThat(OpusEncoderSettings.atBitrate(32_000).complexity()).isEqualTo(OpusEncoderSettings.DEFAULT_COMPLEXITY);
    }

    @Test
    void withoutJnaNativeSupportAutoFallsBackToJavaAndNativeIsRefused() throws Exception {
        // A fresh JVM where JNA cannot find its own native library, as on a platform it does not
        // ship for: loading must fail quietly and "auto" must still give working Opus.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java,
                "-Djna.nosys=true", "-Djna.nounpack=true", "-Djna.boot.library.path=/nonexistent",
                "-cp", System.getProperty("java.class.path"), OpusFallbackProbe.class.getName()))
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("available=false")
                .contains("native=refused: Opus codec 'native' was asked for but libopus cannot load here")
                .contains("Opus codec: pure Java Concentus (auto)")
                .contains("auto=java")
                .contains("decoded=960");
    }
}
