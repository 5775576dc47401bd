package dev.tl.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * @param dir         image folder as written (relative paths are resolved against the working directory by
 *                    the consumer, not against the config file, so a config works from the project root);
 *                    its existence is checked when data is loaded, not here, so an override ({@link Overrides#dataDir()}) can still fix it
 * @param valFraction share of images held out for validation when {@code dir} has no train/ and val/
 * @param splitSeed   seed of that split, separate from the training seed so the split stays put while
 *                    training seeds vary
 * @param workers     image decode threads
 * @param augment     train-time augmentation
 */
public record DataConfig(Path dir, double valFraction, long splitSeed, int workers, AugmentConfig augment) {
    public DataConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(augment, "augment");
    }
}
