package dev.tl.data;

import java.nio.file.Path;

/** One image and its class index (into {@link DatasetSplit#classes()}). */
public record Sample(Path path, int label) {
}
