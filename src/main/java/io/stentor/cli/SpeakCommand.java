package io.stentor.cli;

import io.stentor.media.codec.OpusCodec;
import io.stentor.media.codec.OpusPackets;
import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggPacket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stentor speak}: streams an Ogg Opus file or a generated tone into a live space as a
 * speaker, in real time, over the media WebSocket — for bots, hold music, tests and load tests.
 */
@Command(name = "speak", mixinStandardHelpOptions = true,
        description = "Stream an Ogg Opus file or a tone into a live space, in real time, as a speaker on its stage.")
public final class SpeakCommand implements Callable<Integer> {

    @Option(names = "--server", defaultValue = "http://localhost:8080", description = "Server URL (default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--space", required = true, description = "The space id.")
    String space;

    @Option(names = "--token", required = true, description = "Bearer token of a user on the space's stage.")
    String token;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** What to send. */
    static final class Source {
        @Option(names = "--file", description = "Ogg Opus file, 48 kHz mono, 20 ms frames (opusenc --framesize 20 --downmix-mono).")
        Path file;

        @Option(names = "--tone", description = "Generate a sine tone of this frequency in Hz.")
        Double tone;
    }

    @Option(names = "--loop", description = "Start the file again when it ends.")
    boolean loop;

    @Option(names = "--duration", description = "Stop after this many seconds (default: the file's length, or forever for a tone).")
    Double seconds;

    @Option(names = "--amplitude", defaultValue = "0.3", description = "Tone amplitude, 0..1 (default ${DEFAULT-VALUE}).")
    double amplitude;

    @Option(names = "--codec", defaultValue = "auto", description = "Opus implementation for --tone: native, java or auto.")
    String codec;

    @Override
    public Integer call() throws Exception {
        SpeakerConnection.PacketSource packets = source.file != null ? FilePackets.open(source.file, loop) : new TonePackets(
                OpusCodec.select(codec), source.tone, amplitude);
        long frames = seconds == null ? Long.MAX_VALUE : Math.round(seconds * 50);
        try (SpeakerConnection mic = SpeakerConnection.open(server, space, token,
                text -> System.err.println("stentor speak: " + text))) {
            System.err.println("stentor speak: streaming into space " + space + " (Ctrl-C to stop)");
            int sent = mic.stream(packets::next, frames, () -> false);
            Optional<String> closedBy = mic.closedBy();
            System.err.println("stentor speak: sent " + sent + " frames (" + sent / 50.0 + " s); received "
                    + mic.received() + " from other speakers" + closedBy.map(c -> "; server closed: " + c).orElse(""));
            return closedBy.isPresent() && !closedBy.get().startsWith("1000") ? 1 : 0;
        }
    }

    /** Packets of an Ogg Opus file, checked once up front, optionally looping. */
    static final class FilePackets implements SpeakerConnection.PacketSource {
        private final List<byte[]> packets;
        private final boolean loop;
        private int next;

        private FilePackets(List<byte[]> packets, boolean loop) {
            this.packets = packets;
            this.loop = loop;
        }

        static FilePackets open(Path file, boolean loop) throws IOException {
            List<byte[]> all = new ArrayList<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                OggOpusReader reader = new OggOpusReader(in);
                if (reader.head().channels() != 1) {
                    throw new IllegalArgumentException(file + " has " + reader.head().channels()
                            + " channels; Stentor takes mono (re-encode with opusenc --downmix-mono --framesize 20).");
                }
                for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                    if (!OpusPackets.check(p.get().data(), OpusCodec.MAX_PACKET_BYTES).accepted()) {
                        throw new IllegalArgumentException(file + " is not 20 ms mono Opus ("
                                + OpusPackets.check(p.get().data(), OpusCodec.MAX_PACKET_BYTES)
                                + "); re-encode with opusenc --downmix-mono --framesize 20.");
                    }
                    all.add(p.get().data());
                }
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException(file + " has no audio packets.");
            }
            return new FilePackets(all, loop);
        }

        @Override
        public Optional<byte[]> next() {
            if (next == packets.size()) {
                if (!loop) {
                    return Optional.empty();
                }
                next = 0;
            }
            return Optional.of(packets.get(next++));
        }
    }

    /** A sine tone, encoded live. */
    static final class TonePackets implements SpeakerConnection.PacketSource {
        private final OpusCodec.Encoder encoder;
        private final double step;
        private final double amplitude;
        private final short[] pcm = new short[OpusCodec.FRAME_SAMPLES];
        private final byte[] out = new byte[OpusCodec.MAX_PACKET_BYTES];
        private double phase;

        TonePackets(OpusCodec codec, double frequency, double amplitude) {
            if (frequency <= 0 || frequency >= 24_000) {
                throw new IllegalArgumentException("--tone must be between 0 and 24000 Hz");
            }
            this.encoder = codec.newEncoder(OpusCodec.DEFAULT_BITRATE);
            this.step = 2 * Math.PI * frequency / OpusCodec.SAMPLE_RATE;
            this.amplitude = Math.max(0, Math.min(1, amplitude));
        }

        @Override
        public Optional<byte[]> next() {
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) Math.round(Math.sin(phase) * amplitude * 32767);
                phase += step;
            }
            phase %= 2 * Math.PI;
            int n = encoder.encode(pcm, out);
            return Optional.of(java.util.Arrays.copyOf(out, n));
        }
    }
}
