package dev.tl.config;

import java.nio.file.Path;

/**
 * Command-line overrides of a config; null fields leave the config as is. Values are raw (a strategy as its
 * config spelling) so that they are validated, with the same messages, as if they had been in the file.
 * Applied by {@link ConfigLoader#apply(TlConfig, Overrides, String)}.
 */
public record Overrides(String strategy, Integer epochs, Path dataDir, String backbone, Integer batchSize,
                        Double lr) {
    /** No overrides. */
    public static Overrides none() {
        return new Overrides(null, null, null, null, null, null);
    }

    public boolean isEmpty() {
        return strategy == null && epochs == null && dataDir == null && backbone == null && batchSize == null
                && lr == null;
    }
}
