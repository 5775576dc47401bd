package dev.tl.data;

import java.nio.file.Path;

/** A file that was not used, and why (e.g. "GIF image; only JPEG and PNG are read"). */
public record Skipped(Path path, String reason) {
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
