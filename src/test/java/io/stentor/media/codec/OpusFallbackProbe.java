package io.stentor.media.codec;

/**
 * Run in a child JVM by {@link OpusCodecSelectionTest} with JNA's native part made unfindable:
 * prints what selection gives there, and proves the fallback codec really encodes and decodes.
 */
public final class OpusFallbackProbe {

    private OpusFallbackProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("available=" + NativeOpus.isAvailable());
        try {
            OpusCodec.select("native");
            System.out.println("native=selected");
        } catch (IllegalStateException e) {
            System.out.println("native=refused: " + e.getMessage());
        }
        OpusCodec codec = OpusCodec.select("auto");
        System.out.println("auto=" + codec.name());
        byte[] packet = new byte[OpusCodec.MAX_PACKET_BYTES];
        short[] pcm = ToneMeter.sine(440, 0.5, OpusCodec.FRAME_SAMPLES);
        try (OpusCodec.Encoder encoder = codec.newEncoder(OpusCodec.DEFAULT_BITRATE);
             OpusCodec.Decoder decoder = codec.newDecoder()) {
            int length = encoder.encode(pcm, packet);
            System.out.println("decoded=" + decoder.decode(packet, 0, length, pcm));
        }
    }
}
