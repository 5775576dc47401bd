package dev.tl.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Every file {@code tl} writes that someone may later load goes through here: written beside its target
 * under a temporary name, forced to disk, then renamed over it. A kill at any moment leaves either the old
 * file or the new one, never half of one.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            writer.write(tmp);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /**
     * Writes a new file in {@code dir} without ever replacing one: {@code base + ext}, else
     * {@code base-1 + ext}, {@code base-2 + ext}, ... The content goes to a temporary file first, which is
     * then hard-linked to the first free name (creating a link fails if the name exists, atomically, so two
     * writers never take the same name), falling back to a non-replacing move where links are unsupported.
     *
     * @return the file written
     */
    public static Path writeNew(Path dir, String base, String ext, Writer writer) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + base + ".", ".tmp");
        try {
            writer.write(tmp);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            for (int n = 0; ; n++) {
                Path target = dir.resolve(n == 0 ? base + ext : base + "-" + n + ext);
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                try {
                    Files.createLink(target, tmp);
                    return target;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // taken meanwhile: next name
                } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                    try {
                        Files.move(tmp, target);
                        return target;
                    } catch (java.nio.file.FileAlreadyExistsException taken) {
                        // next name
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes a file or a directory tree; absent is fine. For our own temporary and partial outputs. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    /**
     * Deletes the temporary files that writes cut short by a kill left in {@code dir} (hidden, ending in
     * {@code .tmp}, the names {@link #write} uses). Only for a directory this process alone writes, such as
     * a run being resumed: another writer's temporary file would be deleted under it.
     *
     * @return how many were deleted
     */
    public static int removeLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (var s = Files.list(dir)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(f) && Files.deleteIfExists(f)) n++;
            }
        }
        return n;
    }
}
