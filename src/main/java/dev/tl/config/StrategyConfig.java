package dev.tl.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * @param name             the strategy
 * @param head             the new head
 * @param unfreezeFrom     fine-tune only (null otherwise): lowest trained backbone stage, or {@code "all"}
 * @param backboneLrFactor trained backbone stages use {@code lr * backboneLrFactor}
 * @param stageLr          absolute learning rate per backbone stage, overriding the factor (discriminative
 *                         rates); constant across progressive phases; empty when not set
 * @param batchnorm        BatchNorm behaviour in unfrozen stages
 * @param phases           progressive only (empty otherwise), in order
 */
public record StrategyConfig(Strategy name, HeadConfig head, String unfreezeFrom, double backboneLrFactor,
                             Map<String, Double> stageLr, BatchNormMode batchnorm, List<PhaseConfig> phases) {
    /** {@code unfreeze_from} value meaning every backbone stage trains. */
    public static final String ALL = "all";

    public StrategyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(batchnorm, "batchnorm");
        // insertion order matters for toYaml, so no Map.copyOf
        stageLr = Collections.unmodifiableMap(new LinkedHashMap<>(stageLr));
        phases = List.copyOf(phases);
    }
}
