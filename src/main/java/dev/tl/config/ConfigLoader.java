package dev.tl.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads, validates, overrides and writes training configs. Validation happens entirely at load time (as in
 * Ludwig), so a typo fails in milliseconds with the YAML path, the bad value and the fix, instead of after
 * an hour of training. Parsing goes through a Jackson tree walked by hand rather than databind, because
 * that gives exact paths and one-line messages for every kind of mistake.
 */
public final class ConfigLoader {
    /** Classpath location of the built-in quickstart config, a byte-identical copy of configs/quickstart.yaml. */
    public static final String QUICKSTART_RESOURCE = "/dev/tl/config/quickstart.yaml";

    // Jackson mappers are thread-safe and immutable once built
    private static final YAMLMapper READER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final YAMLMapper WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    /** Fallback that quotes every string, for values MINIMIZE_QUOTES would leave ambiguous (e.g. 1e5). */
    private static final YAMLMapper QUOTING_WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private ConfigLoader() {}

    /** Loads and validates {@code file}; errors name the file as given. */
    public static TlConfig load(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) throw new ConfigException(source, "", "is a directory; expected a YAML file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "", "config file not found (relative paths are relative to "
                    + Path.of("").toAbsolutePath() + "; examples are in configs/)");
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, "", "not UTF-8 text; a config must be a UTF-8 YAML file");
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot read: " + e);
        }
        return parse(text, source);
    }

    /** {@link #load(Path)} followed by {@link #apply(TlConfig, Overrides, String)}. */
    public static TlConfig load(Path file, Overrides overrides) {
        TlConfig c = load(file);
        return overrides.isEmpty() ? c : apply(c, overrides, file + " with overrides");
    }

    /** Parses and validates YAML text; {@code sourceName} prefixes every error message. */
    public static TlConfig parse(String yaml, String sourceName) {
        JsonNode root;
        try {
            root = READER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw syntaxError(e, sourceName);
        }
        return ConfigResolver.resolve(root, sourceName);
    }

    /**
     * The config used when none is given: {@code configs/quickstart.yaml} in the working directory when it
     * exists (so a user's edits apply), else the copy embedded in the jar.
     */
    public static TlConfig defaultConfig() {
        Path quick = Path.of("configs", "quickstart.yaml");
        return java.nio.file.Files.isRegularFile(quick) ? load(quick) : quickstart();
    }

    /**
     * The shipped config of {@code strategy} ({@code configs/<strategy>.yaml}): what {@code tl train --strategy
     * NAME} without {@code -c}, and {@code tl compare}, start from, so that each strategy runs with a schedule
     * made for it (fine-tune: 4 epochs at a low rate; progressive: head 4, stage4 3, stage3 2) rather than
     * with the quickstart's 30 feature-extract epochs. As for the quickstart, a {@code configs/} folder in the
     * working directory wins over the copy built into the jar.
     */
    public static TlConfig strategyConfig(Strategy strategy) {
        String file = strategy.id() + ".yaml";
        Path local = Path.of("configs", file);
        if (java.nio.file.Files.isRegularFile(local)) return load(local);
        return parse(resource("/dev/tl/config/" + file), "built-in " + file);
    }

    /** The built-in quickstart config (feature extraction on data/hymenoptera with resnet50). */
    public static TlConfig quickstart() {
        return parse(quickstartYaml(), "built-in " + QUICKSTART_RESOURCE.substring(QUICKSTART_RESOURCE.lastIndexOf('/') + 1));
    }

    /** The text of the built-in quickstart config, e.g. for {@code tl init} to write out. */
    public static String quickstartYaml() {
        return resource(QUICKSTART_RESOURCE);
    }

    /** A config built into the jar, as text. */
    private static String resource(String path) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("resource " + path + " missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }

    /**
     * The fully resolved config as YAML, every default spelt out; written into each run directory so a run
     * records exactly what it did. {@code parse(toYaml(c), any)} equals {@code c}.
     */
    public static String toYaml(TlConfig config) {
        ObjectNode tree = ConfigWriter.tree(config);
        try {
            YAMLMapper writer = plainStringsSafe(tree) ? WRITER : QUOTING_WRITER;
            return "# tl config, fully resolved (every default filled in)\n" + writer.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /**
     * Whether every string in the tree reads back as the same string when written unquoted. Jackson's
     * MINIMIZE_QUOTES quotes booleans and plain integers but not every YAML number form (1e5, .5), and a
     * run directory's config must read back exactly.
     */
    private static boolean plainStringsSafe(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) if (!plainStringsSafe(child)) return false;
            return true;
        }
        if (!node.isTextual()) return true;
        String s = node.textValue();
        try {
            JsonNode back = READER.readTree("v: " + WRITER.writeValueAsString(s).strip());
            return back != null && back.get("v") != null && back.get("v").isTextual() && back.get("v").textValue().equals(s);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /**
     * Applies command-line overrides and validates the result again (errors are prefixed {@code sourceName}).
     * <ul>
     * <li>{@code strategy}: keys that do not apply to the new strategy are dropped rather than rejected
     * ({@code phases} unless progressive, {@code unfreeze_from} unless fine-tune, {@code stage_lr} for strategies
     * with a frozen backbone), and the new strategy's defaults fill in: head sizes and dropout that equal the
     * old strategy's defaults are treated as defaults and re-derived (feature-extract to head-replace gives
     * hidden [256]).</li>
     * <li>{@code backbone}: {@code unfreeze_from} and {@code phases} that equal the old backbone's defaults are
     * re-derived for the new one; explicit stage names are re-checked and fail if the new backbone lacks them.</li>
     * <li>{@code epochs}: sets training.epochs and, for progressive, every phase's epochs (default phases
     * included), so {@code --epochs 1} makes a quick smoke run of any config.</li>
     * <li>{@code lr}: sets training.lr and scales every explicit phase lr by the same ratio, keeping the
     * schedule's shape; {@code stage_lr} entries are absolute and stay as they are.</li>
     * <li>{@code dataDir}, {@code batchSize}: set data.dir and training.batch_size.</li>
     * </ul>
     */
    public static TlConfig apply(TlConfig config, Overrides o, String sourceName) {
        ObjectNode root = ConfigWriter.tree(config);
        ObjectNode st = (ObjectNode) root.get("strategy");
        StrategyConfig old = config.strategy();

        if (o.backbone() != null && !o.backbone().equals(config.backbone().name())) {
            BackboneSpec oldSpec = config.backboneSpec();
            List<String> oldStages = ConfigResolver.backboneStages(oldSpec);
            if (oldStages.get(oldStages.size() - 1).equals(old.unfreezeFrom())) st.remove("unfreeze_from");
            if (old.name() == Strategy.PROGRESSIVE && old.phases().equals(ConfigResolver.defaultPhases(oldSpec,
                    config.training().epochs(), config.training().lr(), old.backboneLrFactor()))) {
                st.remove("phases");
            }
            ((ObjectNode) root.get("backbone")).put("name", o.backbone());
            Optional<BackboneSpec> next = Backbones.names().contains(o.backbone()) ? Optional.of(Backbones.get(o.backbone())) : Optional.empty();
            if (next.isPresent()) renameStages(st, oldStages, ConfigResolver.backboneStages(next.get()));
        }

        if (o.strategy() != null && !o.strategy().equals(old.name().id())) {
            st.put("name", o.strategy());
            Optional<Strategy> next = ConfigResolver.strategyNamed(o.strategy());
            // an invalid name is left for the resolver to report with the list of valid ones
            if (next.isPresent()) {
                Strategy ns = next.get();
                if (ns != Strategy.PROGRESSIVE) st.remove("phases");
                if (ns != Strategy.FINE_TUNE) st.remove("unfreeze_from");
                if (!ns.trainsBackbone()) st.remove("stage_lr");
                ObjectNode head = (ObjectNode) st.get("head");
                if (old.head().dropout() == ConfigResolver.defaultDropout(old.head().hidden())) head.remove("dropout");
                if (old.head().hidden().equals(ConfigResolver.defaultHidden(old.name()))) head.remove("hidden");
            }
        }

        ObjectNode training = (ObjectNode) root.get("training");
        if (o.dataDir() != null) ((ObjectNode) root.get("data")).put("dir", o.dataDir().toString());
        if (o.batchSize() != null) training.put("batch_size", o.batchSize());
        if (o.lr() != null) {
            double oldLr = config.training().lr();
            training.put("lr", o.lr());
            if (o.lr() > 0 && st.get("phases") instanceof ArrayNode phases) {
                for (JsonNode p : phases) {
                    double lr = BigDecimal.valueOf(p.get("lr").doubleValue()).multiply(BigDecimal.valueOf(o.lr()))
                            .divide(BigDecimal.valueOf(oldLr), MathContext.DECIMAL64).doubleValue();
                    ((ObjectNode) p).put("lr", lr);
                }
            }
        }
        if (o.epochs() != null) training.put("epochs", o.epochs());

        TlConfig out = ConfigResolver.resolve(root, sourceName);
        if (o.epochs() != null && out.strategy().name() == Strategy.PROGRESSIVE) {
            // phases only exist after resolution when they were defaulted, so set their epochs in a second pass
            ObjectNode again = ConfigWriter.tree(out);
            for (JsonNode p : again.get("strategy").get("phases")) ((ObjectNode) p).put("epochs", o.epochs());
            out = ConfigResolver.resolve(again, sourceName);
        }
        return out;
    }

    /**
     * Stage names of one backbone carried over to another counted from the top, the way strategies think
     * of them: ResNet50's {@code stage4} (its last) becomes VGG16's {@code block5}, {@code stage3}
     * {@code block4}. Applies to explicit phases (their stages and names), {@code unfreeze_from} and
     * {@code stage_lr} keys; names beyond the new backbone's depth are left for validation to reject.
     */
    private static void renameStages(ObjectNode st, List<String> from, List<String> to) {
        java.util.function.UnaryOperator<String> map = n -> {
            int fromTop = from.size() - 1 - from.indexOf(n);
            return from.contains(n) && fromTop < to.size() ? to.get(to.size() - 1 - fromTop) : n;
        };
        if (st.get("unfreeze_from") != null && st.get("unfreeze_from").isTextual()) st.put("unfreeze_from", map.apply(st.get("unfreeze_from").textValue()));
        if (st.get("stage_lr") instanceof ObjectNode lr) {
            ObjectNode renamed = lr.objectNode();
            lr.fields().forEachRemaining(e -> renamed.set(map.apply(e.getKey()), e.getValue()));
            st.set("stage_lr", renamed);
        }
        if (st.get("phases") instanceof ArrayNode phases) {
            for (JsonNode p : phases) {
                ObjectNode ph = (ObjectNode) p;
                if (ph.get("name") != null && ph.get("name").isTextual()) ph.put("name", map.apply(ph.get("name").textValue()));
                if (ph.get("unfreeze") instanceof ArrayNode un) {
                    for (int i = 0; i < un.size(); i++) if (un.get(i).isTextual()) un.set(i, un.textNode(map.apply(un.get(i).textValue())));
                }
            }
        }
    }

    private static ConfigException syntaxError(JsonProcessingException e, String source) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        String problem;
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
            problem = m.getProblem();
            if (m.getContext() != null && m.getContextMark() != null) {
                problem += " (" + m.getContext() + " started at line " + (m.getContextMark().getLine() + 1) + ")";
            }
        } else {
            problem = e.getOriginalMessage();
        }
        problem = problem == null ? "unreadable YAML" : problem.replaceAll("\\s+", " ").trim();
        int column = loc == null ? 0 : Math.max(0, loc.getColumnNr());
        var dup = java.util.regex.Pattern.compile("Duplicate field '(.*)'").matcher(problem);
        if (dup.matches()) {
            // YAML allows it and would keep the last value silently; a repeated key is almost always a mistake
            return new ConfigException(source, "", "duplicate key '" + dup.group(1) + "'; each key may appear "
                    + "only once per mapping", line, column, e);
        }
        return new ConfigException(source, "", "YAML syntax error: " + problem, line, column, e);
    }
}
