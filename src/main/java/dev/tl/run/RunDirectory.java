package dev.tl.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A new directory per training run, never an existing one: the name is a timestamp plus the strategy (and
 * an optional prefix), and {@link Files#createDirectory} fails rather than reuse, so two runs started in
 * the same second get {@code -2}, {@code -3}... and nothing earlier is ever overwritten.
 */
public final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunDirectory() {}

    public static Path create(Path parent, String prefix, String strategy) throws IOException {
        Files.createDirectories(parent);
        String base = (prefix == null || prefix.isBlank() ? "" : prefix + "-") + LocalDateTime.now().format(STAMP) + "-" + strategy;
        for (int i = 1; i < 10_000; i++) {
            Path dir = parent.resolve(i == 1 ? base : base + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // taken: try the next suffix
            }
        }
        throw new IOException("cannot create a new run directory under " + parent);
    }
}
