package dev.tl.data;

import dev.tl.run.Hashing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of image files, each read and hashed once. A training run needs the content hash of every image
 * three times (duplicate check, dataset fingerprint, feature-cache keys); sharing one instance across them
 * reads the dataset once instead of three times. Thread-safe; lives as long as the run that made it.
 */
public final class ContentHashes {
    private final Map<Path, String> hashes = new ConcurrentHashMap<>();

    /** Hex SHA-256 of the file's bytes; an unreadable file is a {@link DataException} naming it. */
    public String of(Path file) {
        return hashes.computeIfAbsent(file.toAbsolutePath().normalize(), p -> {
            try {
                return Hashing.sha256Hex(p);
            } catch (IOException e) {
                throw new DataException(file + ": unreadable (" + e.getMessage() + ")", e);
            }
        });
    }
}
