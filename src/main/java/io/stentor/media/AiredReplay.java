package io.stentor.media;

import io.stentor.media.ogg.OggOpusReader;
import io.stentor.media.ogg.OggOpusStream;
import io.stentor.media.ogg.OggPacket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replay as it aired. A space's recording is written before the broadcast delay, so it holds
 * what was said, cut audio included (evidence for moderators); the public replay must not air what
 * a moderator cut. This writes a copy of the recording with every cut range replaced by silence,
 * frame for frame, so that positions (of notices, of cuts) are the same in both files. Blocking;
 * runs once, when the space ends.
 */
final class AiredReplay {

    private AiredReplay() {
    }

    /**
     * Writes {@code <recording>.aired.opus} beside the recording and returns its path.
     *
     * @param cuts    ranges on the space's timeline (ms, end exclusive)
     * @param silence an Opus packet of 20 ms of silence
     */
    static Path write(Path recording, List<BroadcastCut> cuts, byte[] silence, int pageFrames) throws IOException {
        Path aired = recording.resolveSibling(recording.getFileName().toString().replaceFirst("\\.opus$", "")
                + ".aired.opus");
        Path partial = aired.resolveSibling(aired.getFileName() + ".part");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(recording));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial))) {
            OggOpusReader reader = new OggOpusReader(in);
            OggOpusStream ogg = new OggOpusStream(reader.serial(), reader.head().preSkip(), reader.tags());
            out.write(ogg.headerPages());
            List<byte[]> page = new ArrayList<>(pageFrames);
            long frame = 0;
            for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
                long at = frame++ * BroadcastDelay.FRAME_MS; // every frame of a recording is 20 ms
                page.add(inCut(at, cuts) ? silence : p.get().data());
                if (page.size() == pageFrames) {
                    out.write(ogg.audioPage(page, false));
                    page.clear();
                }
            }
            out.write(ogg.audioPage(page, true));
        }
        Files.move(partial, aired, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return aired;
    }

    private static boolean inCut(long at, List<BroadcastCut> cuts) {
        for (BroadcastCut c : cuts) {
            if (at >= c.fromMs() && at < c.toMs()) {
                return true;
            }
        }
        return false;
    }
}
