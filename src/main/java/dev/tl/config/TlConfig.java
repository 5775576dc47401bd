package dev.tl.config;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;

import java.util.Objects;

/**
 * A fully resolved, validated training config: every key that has a default holds it, so consumers never
 * re-derive defaults. Obtain one from {@link ConfigLoader}; {@link ConfigLoader#toYaml} writes it back.
 */
public record TlConfig(BackboneConfig backbone, DataConfig data, StrategyConfig strategy, TrainingConfig training,
                       OutputConfig output) {
    public TlConfig {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(output, "output");
    }

    /** The registry entry of {@link #backbone()}. */
    public BackboneSpec backboneSpec() {
        return Backbones.get(backbone.name());
    }

    /**
     * This config with command-line overrides applied and validated again; errors name the source
     * "overrides". See {@link ConfigLoader#apply(TlConfig, Overrides, String)} for the rules.
     */
    public TlConfig apply(Overrides overrides) {
        return ConfigLoader.apply(this, overrides, "overrides");
    }
}
