package io.stentor.safety;

import io.stentor.media.ogg.OggPageReader;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where preserved audio goes: a directory of its own (under the data directory) that no replay
 * removal, retention or cleanup touches. A copy of a recording still being written ends with the
 * last whole Ogg page on disk, so it is a valid Ogg Opus file of everything heard up to then.
 * Thread-safe (each copy has its own file).
 */
final class EvidenceVault {

    /** A preserved file: where, how long, and its SHA-256 (hex) as computed when it was stored. */
    record Evidence(Path file, long bytes, String sha256) {
    }

    private final Path dir;

    EvidenceVault(Path dir) {
        this.dir = dir;
    }

    /** Copies {@code source} to {@code name}.opus in the vault and makes the copy read-only. */
    Evidence preserve(Path source, String name) throws IOException {
        Files.createDirectories(dir);
        Path part = dir.resolve(name + ".opus.part");
        Path target = dir.resolve(name + ".opus");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        long whole = wholePages(part);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            if (whole < ch.size()) {
                ch.truncate(whole); // a page the recorder was writing at that moment
            }
            ch.force(true);
        }
        String sha256 = sha256(part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        target.toFile().setReadOnly();
        return new Evidence(target, Files.size(target), sha256);
    }

    /** Bytes up to the end of the last complete page (all of them unless the file ends inside a page). */
    static long wholePages(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            OggPageReader pages = new OggPageReader(in);
            try {
                while (pages.next().isPresent()) {
                    // walk to the end
                }
            } catch (EOFException cut) {
                // the file ends inside a page: keep what precedes it
            } catch (IOException damaged) {
                return Files.size(file); // evidence is kept as it is, damage included
            }
            return pages.offset();
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
