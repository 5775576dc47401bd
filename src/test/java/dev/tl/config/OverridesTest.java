package dev.tl.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Overrides are applied, fields that stop applying are dropped, defaults re-derived, and the result re-validated. */
class OverridesTest {
    static Overrides strategy(String s) {
        return new Overrides(s, null, null, null, null, null);
    }

    static Overrides backbone(String b) {
        return new Overrides(null, null, null, b, null, null);
    }

    static TlConfig parse(String backbone, String strategyBody, String extra) {
        return DefaultsTest.parse(backbone, strategyBody, extra);
    }

    @Test
    void noOverridesChangeNothing() {
        TlConfig c = ConfigLoader.load(Path.of("configs/progressive.yaml"));
        assertEquals(c, c.apply(Overrides.none()));
        assertTrue(Overrides.none().isEmpty());
    }

    @Test
    void simpleValuesAreSet() {
        TlConfig c = ConfigLoader.quickstart()
                .apply(new Overrides(null, 3, Path.of("/data/cats"), null, 8, 0.01));
        assertEquals(3, c.training().epochs());
        assertEquals(8, c.training().batchSize());
        assertEquals(0.01, c.training().lr());
        assertEquals(Path.of("/data/cats"), c.data().dir());
        assertEquals(ConfigLoader.quickstart().strategy(), c.strategy());
    }

    @Test
    void overridesAreValidated() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.quickstart().apply(new Overrides(null, null, null, null, 0, null)));
        assertEquals("overrides: training.batch_size: must be between 1 and 4096, got 0", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.quickstart().apply(strategy("finetune")));
        assertEquals("strategy.name", e.path());
        assertTrue(e.getMessage().contains("valid: feature-extract, head-replace, fine-tune, progressive"));
        e = assertThrows(ConfigException.class, () -> ConfigLoader.quickstart().apply(backbone("resnet51")));
        assertTrue(e.getMessage().contains("unknown backbone 'resnet51'; valid: " + String.join(", ", dev.tl.backbone.Backbones.names())), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> ConfigLoader.quickstart().apply(new Overrides(null, null, null, null, null, 0.0)));
        assertEquals("training.lr", e.path());
    }

    @Test
    void loadWithOverridesNamesTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("configs/tiny.yaml"),
                new Overrides(null, 0, null, null, null, null)));
        assertTrue(e.getMessage().startsWith("configs/tiny.yaml with overrides: training.epochs: "), e.getMessage());
    }

    @Test
    void leavingProgressiveDropsPhasesAndFillsFineTuneDefaults() {
        TlConfig p = ConfigLoader.load(Path.of("configs/progressive.yaml"));
        TlConfig f = p.apply(strategy("fine-tune"));
        assertEquals(Strategy.FINE_TUNE, f.strategy().name());
        assertEquals(List.of(), f.strategy().phases());
        assertEquals("stage4", f.strategy().unfreezeFrom());
        assertEquals(p.strategy().backboneLrFactor(), f.strategy().backboneLrFactor());
    }

    @Test
    void switchingToFrozenStrategiesDropsBackboneSettings() {
        TlConfig f = parse("resnet50", "name: fine-tune\nunfreeze_from: stage3\nstage_lr: {stage3: 1.0e-5}", "");
        TlConfig fe = f.apply(strategy("feature-extract"));
        assertNull(fe.strategy().unfreezeFrom());
        assertEquals(Map.of(), fe.strategy().stageLr());
        TlConfig prog = f.apply(strategy("progressive"));
        assertNull(prog.strategy().unfreezeFrom());
        assertEquals(3, prog.strategy().phases().size(), "default phases filled in");
    }

    @Test
    void newStrategyHeadDefaultsReplaceOldDefaults() {
        TlConfig hr = ConfigLoader.quickstart().apply(strategy("head-replace"));
        assertEquals(new HeadConfig(List.of(256), 0.5), hr.strategy().head());
        TlConfig back = hr.apply(strategy("feature-extract"));
        assertEquals(new HeadConfig(List.of(), 0.0), back.strategy().head());
        TlConfig explicit = parse("resnet50", "name: feature-extract\nhead: {hidden: [64], dropout: 0.2}", "");
        assertEquals(new HeadConfig(List.of(64), 0.2), explicit.apply(strategy("head-replace")).strategy().head());
    }

    @Test
    void backboneSwitchRederivesDefaultedStages() {
        TlConfig ft = parse("resnet50", "name: fine-tune", "");
        assertEquals("stage2", ft.apply(backbone("tiny")).strategy().unfreezeFrom());
        TlConfig prog = parse("resnet50", "name: progressive", "");
        assertEquals(List.of(List.of(), List.of("stage2"), List.of("stage1")),
                prog.apply(backbone("tiny")).strategy().phases().stream().map(PhaseConfig::unfreeze).toList());
    }

    /** Explicit stages carry over counted from the top; names beyond the new backbone's depth still fail. */
    @Test
    void backboneSwitchCarriesExplicitStagesFromTheTop() {
        TlConfig ft = parse("resnet50", "name: fine-tune\nunfreeze_from: stage3", "");
        assertEquals("stage1", ft.apply(backbone("tiny")).strategy().unfreezeFrom(), "second from the top");
        TlConfig prog = ConfigLoader.load(Path.of("configs/progressive.yaml"));
        assertEquals(List.of(List.of(), List.of("stage2"), List.of("stage1")),
                prog.apply(backbone("tiny")).strategy().phases().stream().map(PhaseConfig::unfreeze).toList());
        TlConfig deep = parse("vgg16", "name: fine-tune\nunfreeze_from: block1", "");
        ConfigException e = assertThrows(ConfigException.class, () -> deep.apply(backbone("tiny")));
        assertEquals("strategy.unfreeze_from", e.path());
        assertTrue(e.getMessage().contains("unknown stage 'block1' for backbone tiny; valid: stem, stage1, stage2, all"),
                e.getMessage());
    }

    @Test
    void epochsSetEveryProgressivePhase() {
        TlConfig p = ConfigLoader.load(Path.of("configs/progressive.yaml")).apply(
                new Overrides(null, 1, null, null, null, null));
        assertEquals(List.of(1, 1, 1), p.strategy().phases().stream().map(PhaseConfig::epochs).toList());
        assertEquals(1, p.training().epochs());
        TlConfig d = ConfigLoader.quickstart().apply(new Overrides("progressive", 5, null, null, null, null));
        assertEquals(List.of(5, 5, 5), d.strategy().phases().stream().map(PhaseConfig::epochs).toList());
    }

    @Test
    void lrScalesProgressivePhasesKeepingTheirRatios() {
        TlConfig p = ConfigLoader.load(Path.of("configs/progressive.yaml"));
        assertEquals(List.of(1e-3, 1e-4, 3e-5), p.strategy().phases().stream().map(PhaseConfig::lr).toList());
        TlConfig q = p.apply(new Overrides(null, null, null, null, null, 2e-3));
        assertEquals(List.of(2e-3, 2e-4, 6e-5), q.strategy().phases().stream().map(PhaseConfig::lr).toList());
        assertEquals(2e-3, q.training().lr());
        TlConfig hot = parse("resnet50", "name: progressive\nphases:\n  - {epochs: 1}\n  - {epochs: 1, lr: 2.0e-3}", "");
        ConfigException e = assertThrows(ConfigException.class,
                () -> hot.apply(new Overrides(null, null, null, null, null, 6.0)));
        assertEquals("strategy.phases[1].lr", e.path(), "phases scaled past the limit are re-validated");
        assertTrue(e.getMessage().endsWith("must be in (0, 10], got 12.0"), e.getMessage());
    }

    @Test
    void sameStrategyOverrideIsANoOp() {
        TlConfig p = ConfigLoader.load(Path.of("configs/progressive.yaml"));
        assertEquals(p, p.apply(strategy("progressive")));
        assertSame(Strategy.PROGRESSIVE, p.apply(backbone("resnet50")).strategy().name());
        assertEquals(p, p.apply(backbone("resnet50")));
    }
}
