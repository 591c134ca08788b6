package io.stentor.media.hls;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes ISO base media file format boxes (big-endian) into a growing byte array: {@link #open}
 * a box, write its fields and children, {@link #close} it and its size is filled in. One writer
 * per file being built; not thread-safe.
 */
final class BoxWriter {

    private byte[] buf;
    private int pos;

    BoxWriter(int expectedBytes) {
        buf = new byte[Math.max(64, expectedBytes)];
    }

    /** Starts a box of this four-character type; returns the mark to {@link #close} it with. */
    int open(String type) {
        int mark = pos;
        u32(0); // size, filled in by close
        fourCc(type);
        return mark;
    }

    /** Starts a full box (ISO/IEC 14496-12 §4.2: version and 24 bits of flags follow the type). */
    int openFull(String type, int version, int flags) {
        int mark = open(type);
        u32((version << 24) | (flags & 0xffffff));
        return mark;
    }

    void close(int mark) {
        int size = pos - mark;
        buf[mark] = (byte) (size >>> 24);
        buf[mark + 1] = (byte) (size >>> 16);
        buf[mark + 2] = (byte) (size >>> 8);
        buf[mark + 3] = (byte) size;
    }

    BoxWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    BoxWriter u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    BoxWriter u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    BoxWriter u64(long v) {
        return u32(v >>> 32).u32(v);
    }

    BoxWriter zeros(int n) {
        ensure(n);
        pos += n; // the array is zero-filled
        return this;
    }

    BoxWriter fourCc(String type) {
        return bytes(type.getBytes(StandardCharsets.US_ASCII));
    }

    BoxWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    BoxWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    /** The unity transformation matrix of mvhd and tkhd. */
    BoxWriter unityMatrix() {
        return u32(0x00010000).u32(0).u32(0).u32(0).u32(0x00010000).u32(0).u32(0).u32(0).u32(0x40000000);
    }

    int position() {
        return pos;
    }

    /** Overwrites 32 bits at an earlier position (a data offset known only later). */
    void patchU32(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    byte[] toByteArray() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
