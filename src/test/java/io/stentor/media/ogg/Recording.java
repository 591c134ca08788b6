package io.stentor.media.ogg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An Ogg Opus file as {@link OggOpusReader} reads it, and written again by {@link OggOpusStream}. Test code; any thread. */
record Recording(OpusHead head, OpusTags tags, List<OggPacket> packets, boolean ended) {

    static Recording read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    static Recording read(InputStream in) throws IOException {
        OggOpusReader reader = new OggOpusReader(in);
        List<OggPacket> packets = new ArrayList<>();
        for (Optional<OggPacket> p = reader.nextPacket(); p.isPresent(); p = reader.nextPacket()) {
            packets.add(p.get());
        }
        return new Recording(reader.head(), reader.tags(), packets, reader.ended());
    }

    List<byte[]> packetData() {
        return packets.stream().map(OggPacket::data).toList();
    }

    /** These packets written again from page 0, {@code perPage} to a page, the last page ending the stream. */
    byte[] rewrite(int serial, int perPage) {
        OggOpusStream ogg = new OggOpusStream(serial, head.preSkip(), new OpusTags("Stentor", List.of("TITLE=Rewritten")));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(ogg.headerPages());
        List<byte[]> data = packetData();
        for (int i = 0; i < data.size(); i += perPage) {
            file.writeBytes(ogg.audioPage(data.subList(i, Math.min(i + perPage, data.size())), i + perPage >= data.size()));
        }
        return file.toByteArray();
    }
}
