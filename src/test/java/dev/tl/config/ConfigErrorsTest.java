package dev.tl.config;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of rejected input names the YAML path, the bad value and the valid values or fix, in one line. */
class ConfigErrorsTest {
    static final String SRC = "configs/x.yaml";

    static String yaml(String backbone, String strategy, String extra) {
        return "backbone:\n  name: " + backbone + "\n"
                + "data:\n  dir: data/hymenoptera\n"
                + "strategy:\n" + strategy.indent(2)
                + extra;
    }

    static String resnetStages() {
        return stagesOf("resnet50");
    }

    static String stagesOf(String backbone) {
        return Backbones.get(backbone).stageNames().stream().filter(s -> !s.equals(BackboneSpec.HEAD))
                .collect(Collectors.joining(", "));
    }

    static final String FE = "name: feature-extract";
    static final String FT = "name: fine-tune";
    static final String PROG = "name: progressive";
    static final String PHASES = "name: progressive\nphases:\n  - {name: head, epochs: 2}\n"
            + "  - {name: s4, unfreeze: [stage4], epochs: 1}\n";

    static Arguments c(String yaml, String path, String... fragments) {
        return Arguments.of(yaml, path, List.of(fragments));
    }

    static Stream<Arguments> cases() {
        String strategies = "valid: feature-extract, head-replace, fine-tune, progressive";
        return Stream.of(
                // unknown keys at every depth
                c(yaml("resnet50", FE, "trainig:\n  epochs: 3\n"), "trainig",
                        "unknown key; valid keys: backbone, data, strategy, training, output", "did you mean 'training'"),
                c(yaml("resnet50", FE, "training:\n  optimizr: adam\n"), "training.optimizr",
                        "unknown key; valid keys: epochs, batch_size, optimizer, lr, momentum, weight_decay, seed, select"),
                c(yaml("resnet50", FE, "").replace("  dir: data/hymenoptera\n",
                        "  dir: data/hymenoptera\n  augment:\n    flips: true\n"),
                        "data.augment.flips", "valid keys: flip, min_scale, views"),
                c(yaml("resnet50", FE + "\nhead:\n  hiden: [3]", ""), "strategy.head.hiden",
                        "valid keys: hidden, dropout", "did you mean 'hidden'"),
                c(yaml("resnet50", PHASES + "  - {name: s3, unfreeze: [stage3], epoch: 1}", ""),
                        "strategy.phases[2].epoch", "valid keys: name, unfreeze, epochs, lr, backbone_lr_factor"),
                c("backbone:\n  name: resnet50\n  size: 50\n", "backbone.size", "valid keys: name"),
                // wrong types
                c(yaml("resnet50", FE, "training:\n  batch_size: big\n"), "training.batch_size",
                        "expected an integer, got \"big\""),
                c(yaml("resnet50", FE, "training:\n  epochs: 2.5\n"), "training.epochs", "expected an integer, got 2.5"),
                c(yaml("resnet50", FE, "training:\n  lr: fast\n"), "training.lr", "expected a number, got \"fast\""),
                c(yaml("resnet50", FE, "training:\n  lr: [1]\n"), "training.lr", "expected a number, got a list"),
                c(yaml("resnet50", FE, "output:\n  name: [a]\n"), "output.name", "expected a string, got a list"),
                c(yaml("resnet50", FE, "training: 5\n"), "training", "expected a mapping with keys epochs, batch_size"),
                c(yaml("resnet50", FE + "\nhead:\n  hidden: 256", ""), "strategy.head.hidden",
                        "expected a list, e.g. [256], got 256"),
                c(yaml("resnet50", FE + "\nhead:\n  hidden: [128, x]", ""), "strategy.head.hidden[1]",
                        "expected an integer, got \"x\""),
                c(yaml("resnet50", FE, "").replace("  dir: data/hymenoptera\n",
                        "  dir: data/hymenoptera\n  augment: {flip: 3}\n"), "data.augment.flip",
                        "expected true or false, got 3"),
                c(yaml("resnet50", PROG + "\nphases: {head: 1}", ""), "strategy.phases", "expected a list"),
                c(yaml("resnet50", PROG + "\nphases: [3]", ""), "strategy.phases[0]", "expected a mapping with keys name"),
                c(yaml("resnet50", FT + "\nstage_lr: [stage4]", ""), "strategy.stage_lr",
                        "expected a mapping, e.g. {stage4: 1.0e-4}"),
                // ranges
                c(yaml("resnet50", FE, "training:\n  epochs: 0\n"), "training.epochs",
                        "must be between 1 and 10000, got 0"),
                c(yaml("resnet50", FE, "training:\n  epochs: 10001\n"), "training.epochs",
                        "must be between 1 and 10000, got 10001"),
                c(yaml("resnet50", FE, "training:\n  batch_size: 4097\n"), "training.batch_size",
                        "must be between 1 and 4096, got 4097"),
                c(yaml("resnet50", FE, "training:\n  batch_size: 99999999999999999999\n"), "training.batch_size",
                        "must be between 1 and 4096"),
                c(yaml("resnet50", FE, "training:\n  lr: 0\n"), "training.lr", "must be in (0, 10], got 0"),
                c(yaml("resnet50", FE, "training:\n  lr: 10.5\n"), "training.lr", "must be in (0, 10], got 10.5"),
                c(yaml("resnet50", FE, "training:\n  momentum: 1.0\n"), "training.momentum",
                        "must be in [0, 1), got 1.0"),
                c(yaml("resnet50", FE, "training:\n  weight_decay: -0.1\n"), "training.weight_decay",
                        "must be in [0, 1), got -0.1"),
                c(yaml("resnet50", FE, "").replace("dir: data/hymenoptera", "dir: d\n  val_fraction: 1"),
                        "data.val_fraction", "must be in (0, 1), got 1"),
                c(yaml("resnet50", FE, "").replace("dir: data/hymenoptera", "dir: d\n  workers: 17"),
                        "data.workers", "must be between 1 and 16, got 17"),
                c(yaml("resnet50", FE, "").replace("dir: data/hymenoptera", "dir: d\n  augment: {min_scale: 0}"),
                        "data.augment.min_scale", "must be in (0, 1], got 0"),
                c(yaml("resnet50", FE, "").replace("dir: data/hymenoptera", "dir: d\n  augment: {views: 65}"),
                        "data.augment.views", "must be between 1 and 64, got 65"),
                c(yaml("resnet50", FE + "\nhead: {hidden: [0]}", ""), "strategy.head.hidden[0]",
                        "must be between 1 and 65536, got 0"),
                c(yaml("resnet50", FE + "\nhead: {dropout: 1.0}", ""), "strategy.head.dropout",
                        "must be in [0, 1), got 1.0"),
                c(yaml("resnet50", FT + "\nbackbone_lr_factor: 0", ""), "strategy.backbone_lr_factor",
                        "must be in (0, 1], got 0"),
                c(yaml("resnet50", PHASES.replace("epochs: 1", "epochs: 0"), ""), "strategy.phases[1].epochs",
                        "must be between 1 and 10000, got 0"),
                c(yaml("resnet50", PHASES.replace("epochs: 1}", "epochs: 1, lr: 20}"), ""), "strategy.phases[1].lr",
                        "must be in (0, 10], got 20"),
                c(yaml("resnet50", PHASES.replace("epochs: 1}", "epochs: 1, backbone_lr_factor: 1.5}"), ""),
                        "strategy.phases[1].backbone_lr_factor", "must be in (0, 1], got 1.5"),
                c(yaml("resnet50", FT + "\nstage_lr: {stage4: 0}", ""), "strategy.stage_lr.stage4",
                        "must be in (0, 10], got 0"),
                // names from the registry and enums
                c(yaml("resnet51", FE, ""), "backbone.name",
                        "unknown backbone 'resnet51'; valid: " + String.join(", ", Backbones.names())),
                c(yaml("resnet50", FE, "").replace("backbone:\n  name: resnet50\n", ""), "backbone.name",
                        "required; valid: " + String.join(", ", Backbones.names())),
                c(yaml("resnet50", FE, "").replace("data:\n  dir: data/hymenoptera\n", ""), "data.dir",
                        "required;", "e.g. data/hymenoptera"),
                c(yaml("resnet50", FE, "").replace("dir: data/hymenoptera", "dir: ''"), "data.dir", "must not be empty"),
                c(yaml("resnet50", "head: {hidden: []}", ""), "strategy.name", "required; " + strategies),
                c(yaml("resnet50", "name: finetune", ""), "strategy.name", "unknown strategy 'finetune'; " + strategies),
                c(yaml("resnet50", FE, "training:\n  optimizer: adamw\n"), "training.optimizer",
                        "unknown optimizer 'adamw'; valid: adam, sgd, nesterovs"),
                c(yaml("resnet50", FE, "training:\n  select: worst\n"), "training.select",
                        "unknown select 'worst'; valid: last, best"),
                c(yaml("resnet50", FT + "\nbatchnorm: fixed", ""), "strategy.batchnorm",
                        "unknown batchnorm mode 'fixed'; valid: frozen, train"),
                // stage names, checked against the chosen backbone
                c(yaml("resnet50", FT + "\nstage_lr: {stage9: 1.0e-4}", ""), "strategy.stage_lr.stage9",
                        "unknown stage 'stage9' for backbone resnet50; valid: " + resnetStages()),
                c(yaml("resnet50", FT + "\nstage_lr: {head: 1.0e-4}", ""), "strategy.stage_lr.head",
                        "'head' is not a backbone stage", "valid: " + resnetStages()),
                c(yaml("resnet50", FT + "\nunfreeze_from: stage4\nstage_lr: {stage3: 1.0e-4}", ""),
                        "strategy.stage_lr.stage3", "'stage3' stays frozen (unfreeze_from: stage4)",
                        "set strategy.unfreeze_from: stage3"),
                c(yaml("resnet50", PHASES + "stage_lr: {stage3: 1.0e-5}", ""), "strategy.stage_lr.stage3",
                        "never unfrozen by strategy.phases"),
                c(yaml("resnet50", FE + "\nstage_lr: {stage4: 1.0e-4}", ""), "strategy.stage_lr",
                        "only for strategies fine-tune and progressive", "feature-extract keeps the backbone frozen"),
                c(yaml("resnet50", FT + "\nunfreeze_from: stage5", ""), "strategy.unfreeze_from",
                        "unknown stage 'stage5' for backbone resnet50; valid: " + resnetStages() + ", all"),
                c(yaml("resnet50", FT + "\nunfreeze_from: head", ""), "strategy.unfreeze_from",
                        "'head' is not a backbone stage", resnetStages() + ", all"),
                c(yaml("tiny", FT + "\nunfreeze_from: stage4", ""), "strategy.unfreeze_from",
                        "unknown stage 'stage4' for backbone tiny; valid: " + stagesOf("tiny") + ", all"),
                c(yaml("resnet50", PHASES + "  - {unfreeze: [stage9], epochs: 1}", ""),
                        "strategy.phases[2].unfreeze[0]", "unknown stage 'stage9' for backbone resnet50; valid: "
                                + resnetStages()),
                c(yaml("tiny", PHASES, ""), "strategy.phases[1].unfreeze[0]",
                        "unknown stage 'stage4' for backbone tiny; valid: " + stagesOf("tiny")),
                c(yaml("resnet50", PHASES + "  - {unfreeze: [head], epochs: 1}", ""),
                        "strategy.phases[2].unfreeze[0]", "'head' is not a backbone stage (the head always trains)"),
                // phase order and rules
                c(yaml("resnet50", PROG + "\nphases:\n  - {unfreeze: [stage3], epochs: 1}", ""),
                        "strategy.phases[0].unfreeze[0]", "expected 'stage4' next, got 'stage3'",
                        "from the top down", "stage4, stage3, stage2, stage1, stem"),
                c(yaml("resnet50", PHASES + "  - {unfreeze: [stage2], epochs: 1}", ""),
                        "strategy.phases[2].unfreeze[0]", "expected 'stage3' next, got 'stage2'"),
                c(yaml("resnet50", PHASES + "  - {unfreeze: [stage4], epochs: 1}", ""),
                        "strategy.phases[2].unfreeze[0]", "'stage4' is already unfrozen in phases[1]"),
                c(yaml("resnet50", PROG + "\nphases: []", ""), "strategy.phases",
                        "must list at least one phase, or be removed"),
                c(yaml("resnet50", PROG + "\nphases:\n  - {name: a}", ""), "strategy.phases[0].epochs",
                        "required; an integer between 1 and 10000"),
                c(yaml("resnet50", PHASES + "  - {name: head, unfreeze: [stage3], epochs: 1}", ""),
                        "strategy.phases[2].name", "duplicate phase name 'head' (also phases[0])"),
                c(yaml("resnet50", PROG + "\nphases:\n  - {name: 'a b', epochs: 1}", ""), "strategy.phases[0].name",
                        "must be 1 to 64 of A-Z a-z 0-9 . _ -", "got \"a b\""),
                c(yaml("resnet50", FT + "\nphases:\n  - {epochs: 1}", ""), "strategy.phases",
                        "only for strategy progressive (this is fine-tune; use strategy.unfreeze_from instead)"),
                c(yaml("resnet50", FE + "\nphases:\n  - {epochs: 1}", ""), "strategy.phases",
                        "only for strategy progressive (this is feature-extract"),
                c(yaml("resnet50", PROG + "\nunfreeze_from: stage4", ""), "strategy.unfreeze_from",
                        "only for strategy fine-tune (this is progressive; list stages in strategy.phases[].unfreeze"),
                c(yaml("resnet50", "name: head-replace\nunfreeze_from: stage4", ""), "strategy.unfreeze_from",
                        "only for strategy fine-tune (this is head-replace"),
                // output
                c(yaml("resnet50", FE, "output:\n  name: my run\n"), "output.name",
                        "must be 1 to 64 of A-Z a-z 0-9 . _ -", "got \"my run\""),
                c(yaml("resnet50", FE, "output:\n  name: " + "a".repeat(65) + "\n"), "output.name", "must be 1 to 64"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rejected(String yaml, String path, List<String> fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, SRC));
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().startsWith(SRC + ": " + path + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "not one line: " + e.getMessage());
    }

    @Test
    void phaseEpochsMessageIsExactlyAsDocumented() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                yaml("resnet50", PHASES.replace("epochs: 1", "epochs: 0"), ""), SRC));
        assertEquals("configs/x.yaml: strategy.phases[1].epochs: must be between 1 and 10000, got 0", e.getMessage());
    }

    @Test
    void emptyFileNamesTheFile() {
        for (String empty : new String[]{"", "\n", "# only a comment\n", "---\n"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(empty, SRC));
            assertTrue(e.getMessage().startsWith(SRC + ": config is empty"), e.getMessage());
            assertTrue(e.getMessage().contains("backbone.name, data.dir and strategy.name"), e.getMessage());
            assertEquals("", e.path());
        }
    }

    @Test
    void topLevelMustBeAMapping() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- a\n- b\n", SRC));
        assertEquals(SRC + ": expected a mapping with sections backbone, data, strategy, training, output at the "
                + "top level, got a list", e.getMessage());
    }

    @Test
    void yamlSyntaxErrorGivesFileLineAndOneLine() {
        String bad = "backbone:\n  name: resnet50\n data:\n  dir: x\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(bad, SRC));
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(SRC + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("YAML syntax error: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("^"), e.getMessage());
    }

    @Test
    void unclosedFlowListIsASyntaxError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("strategy:\n  head: {hidden: [1, 2}\n", SRC));
        assertEquals(2, e.line(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void duplicateKeyIsRejectedWithItsLine() {
        String dup = yaml("resnet50", FE, "training:\n  lr: 0.1\n  lr: 0.2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(dup, SRC));
        assertTrue(e.getMessage().contains("duplicate key 'lr'; each key may appear only once"), e.getMessage());
        assertEquals(dup.lines().toList().indexOf("  lr: 0.2") + 1, e.line(), e.getMessage());
    }

    @Test
    void missingFileNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": config file not found"), e.getMessage());
        assertEquals(missing.toString(), e.source());
    }

    @Test
    void directoryIsNotAConfig(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void loadedFileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml("resnet50", FE, "training:\n  epochs: 0\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
        assertEquals(f + ": training.epochs: must be between 1 and 10000, got 0", e.getMessage());
    }

    @Test
    void strategyFromNameListsValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategy.fromName("x"));
        assertEquals("unknown strategy 'x'; valid: feature-extract, head-replace, fine-tune, progressive", e.getMessage());
        assertEquals(Strategy.FINE_TUNE, Strategy.fromName("fine-tune"));
    }
}
