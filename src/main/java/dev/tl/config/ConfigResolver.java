package dev.tl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.config.Section.Range;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a parsed YAML tree into a {@link TlConfig}: checks every key, type and range, cross-checks stage names
 * against the chosen backbone's registry entry, and fills every default. The one place that knows the
 * schema and its defaults, so loading, overriding and round-tripping agree by construction.
 */
final class ConfigResolver {
    static final List<String> TOP = List.of("backbone", "data", "strategy", "training", "output");
    static final List<String> BACKBONE = List.of("name");
    static final List<String> DATA = List.of("dir", "val_fraction", "split_seed", "workers", "augment");
    static final List<String> AUGMENT = List.of("flip", "min_scale", "views");
    static final List<String> STRATEGY = List.of("name", "head", "unfreeze_from", "backbone_lr_factor", "stage_lr",
            "batchnorm", "phases");
    static final List<String> HEAD = List.of("hidden", "dropout");
    static final List<String> PHASE = List.of("name", "unfreeze", "epochs", "lr", "backbone_lr_factor");
    static final List<String> TRAINING = List.of("epochs", "batch_size", "optimizer", "lr", "momentum",
            "weight_decay", "seed", "select", "class_weights");
    static final List<String> OUTPUT = List.of("dir", "name");

    static final Range LR = Range.openClosed(0, 10);
    static final Range FACTOR = Range.openClosed(0, 1);
    static final Range UNIT_CLOSED_OPEN = Range.closedOpen(0, 1);
    static final long MAX_EPOCHS = 10_000;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String NAME_RULE = "1 to 64 of A-Z a-z 0-9 . _ -";

    // defaults
    static final double VAL_FRACTION = 0.2;
    static final long SPLIT_SEED = 42;
    static final int WORKERS = 2;
    static final double MIN_SCALE = 0.35;
    static final int VIEWS = 4;
    static final double BACKBONE_LR_FACTOR = 0.1;
    static final int EPOCHS = 10;
    static final int BATCH_SIZE = 16;
    static final double LR_DEFAULT = 1e-3;
    static final double MOMENTUM = 0.9;
    static final long SEED = 42;
    static final String OUTPUT_DIR = "runs";
    static final double HIDDEN_DROPOUT = 0.5;

    private ConfigResolver() {}

    static TlConfig resolve(JsonNode root, String source) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(source, "", "config is empty; it needs at least backbone.name, data.dir and "
                    + "strategy.name (start from configs/quickstart.yaml)");
        }
        if (!root.isObject()) {
            throw new ConfigException(source, "", "expected a mapping with sections " + String.join(", ", TOP)
                    + " at the top level, got " + Section.describe(root));
        }
        Section top = new Section(source, "", root, TOP);
        Section b = top.section("backbone", BACKBONE);
        String backboneName = b.requiredString("name", "valid: " + String.join(", ", Backbones.names()));
        BackboneSpec spec;
        try {
            spec = Backbones.get(backboneName);
        } catch (IllegalArgumentException e) {
            throw b.error("name", e.getMessage());
        }
        DataConfig data = data(top.section("data", DATA));
        TrainingConfig training = training(top.section("training", TRAINING));
        StrategyConfig strategy = strategy(top.section("strategy", STRATEGY), spec, training);
        OutputConfig output = output(top.section("output", OUTPUT));
        return new TlConfig(new BackboneConfig(backboneName), data, strategy, training, output);
    }

    private static DataConfig data(Section s) {
        String dir = s.requiredString("dir", "the image folder (one subfolder per class, or train/ and val/), "
                + "e.g. data/hymenoptera");
        Path path = path(s, "dir", dir);
        Section a = s.section("augment", AUGMENT);
        AugmentConfig augment = new AugmentConfig(a.bool("flip", true),
                a.number("min_scale", Range.openClosed(0, 1), MIN_SCALE), a.integer("views", 1, 64, VIEWS));
        return new DataConfig(path, s.number("val_fraction", Range.open(0, 1), VAL_FRACTION),
                s.longValue("split_seed", SPLIT_SEED), s.integer("workers", 1, 16, WORKERS), augment);
    }

    private static Path path(Section s, String key, String value) {
        if (value.isBlank()) throw s.error(key, "must not be empty");
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw s.error(key, "not a valid path: " + e.getReason() + ", got \"" + value + '"');
        }
    }

    private static TrainingConfig training(Section s) {
        return new TrainingConfig(
                s.integer("epochs", 1, MAX_EPOCHS, EPOCHS),
                s.integer("batch_size", 1, 4096, BATCH_SIZE),
                choice(s, "optimizer", Optimizer::fromName, Optimizer.ADAM),
                s.number("lr", LR, LR_DEFAULT),
                s.number("momentum", UNIT_CLOSED_OPEN, MOMENTUM),
                s.number("weight_decay", UNIT_CLOSED_OPEN, 0.0),
                s.longValue("seed", SEED),
                choice(s, "select", Select::fromName, Select.LAST),
                choice(s, "class_weights", ClassWeights::fromName, ClassWeights.NONE));
    }

    private static OutputConfig output(Section s) {
        Path dir = path(s, "dir", s.string("dir", OUTPUT_DIR));
        String name = s.string("name");
        if (name != null && !NAME.matcher(name).matches()) {
            throw s.error("name", "must be " + NAME_RULE + " (it prefixes run directory names), got \"" + name + '"');
        }
        return new OutputConfig(dir, name);
    }

    private static <E> E choice(Section s, String key, java.util.function.Function<String, E> fromName, E def) {
        String v = s.string(key);
        if (v == null) return def;
        try {
            return fromName.apply(v);
        } catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
    }

    private static StrategyConfig strategy(Section s, BackboneSpec spec, TrainingConfig training) {
        String name = s.requiredString("name", "valid: " + Strategy.validNames());
        Strategy strategy;
        try {
            strategy = Strategy.fromName(name);
        } catch (IllegalArgumentException e) {
            throw s.error("name", e.getMessage());
        }
        List<String> stages = backboneStages(spec);
        HeadConfig head = head(s.section("head", HEAD), strategy);
        double factor = s.number("backbone_lr_factor", FACTOR, BACKBONE_LR_FACTOR);

        String unfreezeFrom = null;
        if (s.has("unfreeze_from")) {
            if (strategy != Strategy.FINE_TUNE) {
                throw s.error("unfreeze_from", "only for strategy fine-tune (this is " + strategy + "; "
                        + notApplicableHint(strategy) + ")");
            }
            unfreezeFrom = s.string("unfreeze_from");
            if (!unfreezeFrom.equals(StrategyConfig.ALL)) checkStage(s, "unfreeze_from", unfreezeFrom, spec, true);
        } else if (strategy == Strategy.FINE_TUNE) {
            unfreezeFrom = stages.get(stages.size() - 1);
        }

        List<PhaseConfig> phases = List.of();
        if (s.has("phases")) {
            if (strategy != Strategy.PROGRESSIVE) {
                throw s.error("phases", "only for strategy progressive (this is " + strategy + "; "
                        + notApplicableHint(strategy) + ")");
            }
            phases = phases(s, spec, training, factor);
        } else if (strategy == Strategy.PROGRESSIVE) {
            phases = defaultPhases(spec, training.epochs(), training.lr(), factor);
        }

        Map<String, Double> stageLr = stageLr(s, spec, strategy, unfreezeFrom, phases);
        BatchNormMode bn = choice(s, "batchnorm", BatchNormMode::fromName, BatchNormMode.FROZEN);
        return new StrategyConfig(strategy, head, unfreezeFrom, factor, stageLr, bn, phases);
    }

    private static String notApplicableHint(Strategy s) {
        return switch (s) {
            case PROGRESSIVE -> "list stages in strategy.phases[].unfreeze instead";
            case FINE_TUNE -> "use strategy.unfreeze_from instead";
            default -> s + " keeps the backbone frozen; use fine-tune or progressive to train backbone stages";
        };
    }

    private static HeadConfig head(Section h, Strategy strategy) {
        List<Integer> hidden;
        if (h.has("hidden")) {
            hidden = new ArrayList<>();
            List<JsonNode> items = h.list("hidden", "[256]");
            for (int i = 0; i < items.size(); i++) {
                hidden.add(h.intIn(items.get(i), h.child("hidden") + "[" + i + "]", 1, 65_536));
            }
        } else {
            hidden = defaultHidden(strategy);
        }
        return new HeadConfig(hidden, h.number("dropout", UNIT_CLOSED_OPEN, defaultDropout(hidden)));
    }

    static List<Integer> defaultHidden(Strategy s) {
        return s == Strategy.HEAD_REPLACE ? List.of(256) : List.of();
    }

    static double defaultDropout(List<Integer> hidden) {
        return hidden.isEmpty() ? 0.0 : HIDDEN_DROPOUT;
    }

    /** Backbone stage names, input to output, without {@code head}. */
    static List<String> backboneStages(BackboneSpec spec) {
        return spec.stageNames().stream().filter(n -> !n.equals(BackboneSpec.HEAD)).toList();
    }

    private static void checkStage(Section s, String key, String stage, BackboneSpec spec, boolean allowAll) {
        checkStage(s.source, s.child(key), stage, spec, allowAll);
    }

    private static void checkStage(String source, String at, String stage, BackboneSpec spec, boolean allowAll) {
        List<String> stages = backboneStages(spec);
        if (stages.contains(stage)) return;
        String valid = String.join(", ", stages) + (allowAll ? ", " + StrategyConfig.ALL : "");
        if (stage.equals(BackboneSpec.HEAD)) {
            throw new ConfigException(source, at, "'head' is not a backbone stage (the head always trains); valid: "
                    + valid);
        }
        throw new ConfigException(source, at, "unknown stage '" + stage + "' for backbone " + spec.name()
                + "; valid: " + valid);
    }

    /**
     * Default progressive schedule: the head alone, then the last backbone stage at a tenth of the rate, then
     * the one below at a hundredth (fewer phases if the backbone has fewer stages). Each phase gets
     * {@code max(1, epochs / 3)} epochs, so the total stays near {@code training.epochs}.
     */
    static List<PhaseConfig> defaultPhases(BackboneSpec spec, int epochs, double lr, double factor) {
        List<String> stages = backboneStages(spec);
        int each = Math.max(1, epochs / 3);
        List<PhaseConfig> out = new ArrayList<>();
        out.add(new PhaseConfig("head", List.of(), each, lr, factor));
        for (int i = 0; i < 2 && i < stages.size(); i++) {
            String st = stages.get(stages.size() - 1 - i);
            out.add(new PhaseConfig(st, List.of(st), each, scaled(lr, i == 0 ? "0.1" : "0.01"), factor));
        }
        return out;
    }

    /** {@code value * factor} rounded to 16 significant digits, so 1e-3 * 0.1 prints as 1.0E-4 */
    static double scaled(double value, String factor) {
        return BigDecimal.valueOf(value).multiply(new BigDecimal(factor))
                .round(java.math.MathContext.DECIMAL64).doubleValue();
    }

    private static List<PhaseConfig> phases(Section s, BackboneSpec spec, TrainingConfig training, double factor) {
        List<JsonNode> items = s.list("phases", "[{unfreeze: [], epochs: 3}, {unfreeze: [stage4], epochs: 2}]");
        if (items.isEmpty()) {
            throw s.error("phases", "must list at least one phase, or be removed to use the default schedule");
        }
        List<String> stages = backboneStages(spec);
        List<String> topDown = new ArrayList<>(stages);
        java.util.Collections.reverse(topDown);
        Map<String, Integer> unfrozenIn = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        List<PhaseConfig> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Section p = new Section(s.source, s.child("phases") + "[" + i + "]", items.get(i), PHASE);
            if (items.get(i).isNull()) throw new ConfigException(s.source, p.path, "expected a mapping with keys "
                    + String.join(", ", PHASE) + ", got null");
            String name = p.string("name", "phase" + (i + 1));
            if (!NAME.matcher(name).matches()) {
                throw p.error("name", "must be " + NAME_RULE + ", got \"" + name + '"');
            }
            Integer prev = names.putIfAbsent(name, i);
            if (prev != null) {
                throw p.error("name", "duplicate phase name '" + name + "' (also phases[" + prev + "])");
            }
            List<String> unfreeze = new ArrayList<>();
            List<JsonNode> us = p.list("unfreeze", "[" + topDown.get(0) + "]");
            for (int j = 0; j < us.size(); j++) {
                String at = p.child("unfreeze") + "[" + j + "]";
                String st = p.asString(us.get(j), at);
                checkStage(s.source, at, st, spec, false);
                Integer already = unfrozenIn.get(st);
                if (already != null) {
                    throw new ConfigException(s.source, at, "'" + st + "' is already unfrozen in phases[" + already
                            + "]; a stage is unfrozen once and stays unfrozen in later phases");
                }
                String expected = topDown.get(unfrozenIn.size());
                if (!st.equals(expected)) {
                    throw new ConfigException(s.source, at, "expected '" + expected + "' next, got '" + st
                            + "'; stages unfreeze from the top down, one after another: " + String.join(", ", topDown));
                }
                unfrozenIn.put(st, i);
                unfreeze.add(st);
            }
            Integer epochs = p.integer("epochs", 1, MAX_EPOCHS);
            if (epochs == null) throw p.error("epochs", "required; an integer between 1 and " + MAX_EPOCHS);
            out.add(new PhaseConfig(name, unfreeze, epochs, p.number("lr", LR, training.lr()),
                    p.number("backbone_lr_factor", FACTOR, factor)));
        }
        return out;
    }

    private static Map<String, Double> stageLr(Section s, BackboneSpec spec, Strategy strategy, String unfreezeFrom,
                                               List<PhaseConfig> phases) {
        ObjectNode m = s.mapping("stage_lr", "{stage4: 1.0e-4}");
        Map<String, Double> out = new LinkedHashMap<>();
        if (m == null) return out;
        if (!strategy.trainsBackbone() && !m.isEmpty()) {
            throw s.error("stage_lr", "only for strategies fine-tune and progressive (" + strategy
                    + " keeps the backbone frozen)");
        }
        List<String> stages = backboneStages(spec);
        var it = m.fields();
        while (it.hasNext()) {
            var e = it.next();
            String stage = e.getKey();
            String at = s.child("stage_lr") + "." + stage;
            checkStage(s.source, at, stage, spec, false);
            if (strategy == Strategy.FINE_TUNE && !unfreezeFrom.equals(StrategyConfig.ALL)
                    && stages.indexOf(stage) < stages.indexOf(unfreezeFrom)) {
                throw new ConfigException(s.source, at, "'" + stage + "' stays frozen (unfreeze_from: " + unfreezeFrom
                        + "); remove it or set strategy.unfreeze_from: " + stage);
            }
            if (strategy == Strategy.PROGRESSIVE && phases.stream().noneMatch(p -> p.unfreeze().contains(stage))) {
                throw new ConfigException(s.source, at, "'" + stage + "' is never unfrozen by strategy.phases; "
                        + "remove it or unfreeze it in a phase");
            }
            if (e.getValue().isNull()) continue;
            out.put(stage, s.numberIn(e.getValue(), at, LR));
        }
        return out;
    }

    static Optional<Strategy> strategyNamed(String name) {
        try {
            return Optional.of(Strategy.fromName(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
