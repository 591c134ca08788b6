package io.stentor.media.ogg;

/**
 * One audio packet read back from an Ogg Opus stream, with where it ended. Immutable by convention
 * (the reader hands over {@code data} and keeps no reference); any thread may read it.
 *
 * @param data            the Opus packet
 * @param granulePosition granule position of the page the packet ended on: samples at 48 kHz up to
 *                        the end of that page's last packet, counted from the start of the stream
 * @param pageSequence    sequence number of that page
 * @param endOfStream     true for the last packet of an end-of-stream page
 */
public record OggPacket(byte[] data, long granulePosition, int pageSequence, boolean endOfStream) {
}
