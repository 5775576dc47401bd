package dev.tl.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loaded config has every default filled in, including the strategy-dependent ones. */
class DefaultsTest {
    static TlConfig parse(String backbone, String strategyBody, String extra) {
        return ConfigLoader.parse("backbone: {name: " + backbone + "}\ndata: {dir: data/hymenoptera}\n"
                + "strategy:\n" + strategyBody.indent(2) + extra, "t.yaml");
    }

    @Test
    void minimalConfigGetsEveryDefault() {
        TlConfig c = parse("resnet50", "name: feature-extract", "");
        assertEquals(new BackboneConfig("resnet50"), c.backbone());
        assertEquals(new DataConfig(Path.of("data/hymenoptera"), 0.2, 42, 2, new AugmentConfig(true, 0.35, 4)), c.data());
        assertEquals(new TrainingConfig(10, 16, Optimizer.ADAM, 1e-3, 0.9, 0.0, 42, Select.LAST, ClassWeights.NONE), c.training());
        assertEquals(new OutputConfig(Path.of("runs"), null), c.output());
        assertEquals(new StrategyConfig(Strategy.FEATURE_EXTRACT, new HeadConfig(List.of(), 0.0), null, 0.1, Map.of(),
                BatchNormMode.FROZEN, List.of()), c.strategy());
    }

    @Test
    void nullValuesMeanDefault() {
        TlConfig c = parse("resnet50", "name: feature-extract\nhead:\nbatchnorm: null", "training:\n  lr:\noutput:\n");
        assertEquals(1e-3, c.training().lr());
        assertEquals(BatchNormMode.FROZEN, c.strategy().batchnorm());
        assertEquals(List.of(), c.strategy().head().hidden());
    }

    @Test
    void headReplaceDefaultsToAHiddenLayerWithDropout() {
        assertEquals(new HeadConfig(List.of(256), 0.5), parse("resnet50", "name: head-replace", "").strategy().head());
        assertEquals(new HeadConfig(List.of(), 0.0),
                parse("resnet50", "name: head-replace\nhead: {hidden: []}", "").strategy().head());
        assertEquals(new HeadConfig(List.of(64), 0.5),
                parse("resnet50", "name: fine-tune\nhead: {hidden: [64]}", "").strategy().head());
        assertEquals(new HeadConfig(List.of(), 0.0), parse("resnet50", "name: progressive", "").strategy().head());
    }

    @Test
    void fineTuneUnfreezesTheLastBackboneStageByDefault() {
        assertEquals("stage4", parse("resnet50", "name: fine-tune", "").strategy().unfreezeFrom());
        assertEquals("stage2", parse("tiny", "name: fine-tune", "").strategy().unfreezeFrom());
        assertEquals("all", parse("tiny", "name: fine-tune\nunfreeze_from: all", "").strategy().unfreezeFrom());
        assertNull(parse("resnet50", "name: head-replace", "").strategy().unfreezeFrom());
        assertEquals(List.of(), parse("resnet50", "name: fine-tune", "").strategy().phases());
    }

    @Test
    void progressiveDefaultPhasesUnfreezeTheTopTwoStagesAtFallingRates() {
        TlConfig c = parse("resnet50", "name: progressive", "training: {epochs: 10, lr: 2.0e-3}\n");
        assertEquals(List.of(
                new PhaseConfig("head", List.of(), 3, 2e-3, 0.1),
                new PhaseConfig("stage4", List.of("stage4"), 3, 2e-4, 0.1),
                new PhaseConfig("stage3", List.of("stage3"), 3, 2e-5, 0.1)), c.strategy().phases());
        TlConfig t = parse("tiny", "name: progressive\nbackbone_lr_factor: 0.5", "training: {epochs: 2}\n");
        assertEquals(List.of(
                new PhaseConfig("head", List.of(), 1, 1e-3, 0.5),
                new PhaseConfig("stage2", List.of("stage2"), 1, 1e-4, 0.5),
                new PhaseConfig("stage1", List.of("stage1"), 1, 1e-5, 0.5)), t.strategy().phases());
    }

    @Test
    void phaseDefaultsComeFromTrainingAndStrategy() {
        TlConfig c = parse("resnet50", "name: progressive\nbackbone_lr_factor: 0.2\nphases:\n"
                + "  - {epochs: 2}\n  - {unfreeze: [stage4, stage3], epochs: 1, lr: 1.0e-4, backbone_lr_factor: 1}",
                "training: {lr: 5.0e-3}\n");
        assertEquals(List.of(
                new PhaseConfig("phase1", List.of(), 2, 5e-3, 0.2),
                new PhaseConfig("phase2", List.of("stage4", "stage3"), 1, 1e-4, 1.0)), c.strategy().phases());
    }

    @Test
    void explicitValuesAreKept() {
        TlConfig c = ConfigLoader.parse("""
                backbone: {name: resnet50}
                data:
                  dir: /abs/images
                  val_fraction: 0.3
                  split_seed: 7
                  workers: 16
                  augment: {flip: false, min_scale: 1, views: 64}
                strategy:
                  name: fine-tune
                  unfreeze_from: stage3
                  backbone_lr_factor: 1
                  stage_lr: {stage4: 1.0e-4, stage3: 1.0e-5}
                  batchnorm: train
                training: {epochs: 1, batch_size: 4096, optimizer: nesterovs, lr: 10, momentum: 0, weight_decay: 0.5,
                           seed: -3, select: best, class_weights: balanced}
                output: {dir: out/runs, name: my.run-1_x}
                """, "t.yaml");
        assertEquals(new DataConfig(Path.of("/abs/images"), 0.3, 7, 16, new AugmentConfig(false, 1.0, 64)), c.data());
        assertEquals(new StrategyConfig(Strategy.FINE_TUNE, new HeadConfig(List.of(), 0.0), "stage3", 1.0,
                Map.of("stage4", 1e-4, "stage3", 1e-5), BatchNormMode.TRAIN, List.of()), c.strategy());
        assertEquals(List.of("stage4", "stage3"), List.copyOf(c.strategy().stageLr().keySet()), "file order kept");
        assertEquals(new TrainingConfig(1, 4096, Optimizer.NESTEROVS, 10.0, 0.0, 0.5, -3, Select.BEST, ClassWeights.BALANCED), c.training());
        assertEquals(new OutputConfig(Path.of("out/runs"), "my.run-1_x"), c.output());
    }

    @Test
    void numericOutputNameIsAString() {
        assertEquals("2024", parse("tiny", "name: fine-tune", "output: {name: 2024}\n").output().name());
    }

    @Test
    void loadedCollectionsAreImmutable() {
        TlConfig c = parse("resnet50", "name: progressive", "");
        assertTrue(isImmutable(c.strategy().phases()));
        assertTrue(isImmutable(c.strategy().head().hidden()));
    }

    private static boolean isImmutable(List<?> l) {
        try {
            l.clear();
            return false;
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }
}
