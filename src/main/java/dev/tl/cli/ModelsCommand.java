package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.backbone.StageMap;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tl models list | pull | info | verify}: what backbones exist, fetching and converting their weights
 * into the cache, and what is inside one (the vertex/stage table that configs' stage names refer to).
 */
@Command(name = "models", mixinStandardHelpOptions = true, footer = {"", ExitCode.HELP_LIST},
        description = "List, pull, inspect and verify pretrained backbones.",
        subcommands = {ModelsCommand.ListCmd.class, ModelsCommand.Pull.class, ModelsCommand.Info.class, ModelsCommand.Verify.class})
public final class ModelsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, pull, info or verify");
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static BackboneSpec backbone(String name) {
        try {
            return Backbones.get(name);
        } catch (IllegalArgumentException e) {
            throw TlException.usage(e.getMessage());
        }
    }

    static ModelCache cache(CommonOptions common, PrintWriter log) {
        return new ModelCache(ModelCache.defaultRoot(common.modelsDir), log);
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Known backbones and whether their weights are cached.")
    static final class ListCmd implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CommonOptions common;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelCache cache = cache(common, spec.commandLine().getErr());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BackboneSpec b : Backbones.all()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", b.name());
                r.put("cached", cache.isCached(b));
                r.put("input", b.preprocessing().height() + "x" + b.preprocessing().width());
                r.put("features", b.featureSize());
                r.put("params", b.paramCount());
                r.put("source", b.source().kind() + ":" + b.source().location());
                r.put("description", b.description());
                rows.add(r);
            }
            if (json) {
                printJson(out, rows);
            } else {
                out.printf("%-18s %-7s %-8s %-8s %12s  %s%n", "NAME", "CACHED", "INPUT", "FEATURES", "PARAMS", "DESCRIPTION");
                for (Map<String, Object> r : rows) {
                    long p = (Long) r.get("params");
                    out.printf(Locale.ROOT, "%-18s %-7s %-8s %-8d %12s  %s%n", r.get("name"), (Boolean) r.get("cached") ? "yes" : "no",
                            r.get("input"), (Long) r.get("features"), p > 0 ? String.format(Locale.ROOT, "%,d", p) : "-", r.get("description"));
                }
                out.println("cache: " + cache.root().toAbsolutePath());
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Fetch (or read from --from) a backbone's weights, verify them and convert them into the cache.",
                    "Local sources (mobilenet_v1_075's TF.js folder, Keras .h5 files) are also looked up in TL_WEIGHTS_PATH."})
    static final class Pull implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME", description = "Backbone name (see `tl models list`).")
        String name;
        @Option(names = "--from", paramLabel = "PATH", description = "The weights: a TF.js model folder, a .h5 file, an npm .tgz, or a folder holding one.")
        Path from;
        @Option(names = "--force", description = "Convert again even if already cached.")
        boolean force;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            BackboneSpec b = backbone(name);
            ModelCache cache = cache(common, spec.commandLine().getErr());
            if (b.source().kind().equals("random")) {
                out.println(b.name() + ": built in code, nothing to pull");
            } else if (cache.isCached(b) && !force && from == null) {
                cache.verifyConverted(b, true);
                out.println(b.name() + ": already cached and verified (" + cache.converted(b) + "); --force converts again");
            } else {
                long t0 = System.nanoTime();
                cache.pull(b, from);
                out.printf(Locale.ROOT, "%s: cached %s in %.1f s%n", b.name(), cache.converted(b), (System.nanoTime() - t0) / 1e9);
            }
            out.println("weights: " + cache.weightsId(b));
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-hash cached conversions against their recorded SHA-256.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Backbones to verify (default: every cached one).")
        List<String> names;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelCache cache = cache(common, spec.commandLine().getErr());
            List<BackboneSpec> todo = new ArrayList<>();
            if (names == null || names.isEmpty()) {
                for (BackboneSpec b : Backbones.all()) if (!b.source().kind().equals("random") && cache.isCached(b)) todo.add(b);
            } else {
                for (String n : names) todo.add(backbone(n));
            }
            for (BackboneSpec b : todo) {
                cache.verifyConverted(b, true);
                out.println(b.name() + ": ok " + cache.weightsId(b));
            }
            if (todo.isEmpty()) out.println("nothing cached in " + cache.root().toAbsolutePath());
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "The backbone's vertices with layer type, output shape, parameters and stage; totals per stage.")
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            BackboneSpec b = backbone(name);
            ComputationGraph g = cache(common, spec.commandLine().getErr()).load(b);
            StageMap sm = StageMap.of(g.getConfiguration(), b);
            var p = b.preprocessing();
            InputType in = InputType.convolutional(p.height(), p.width(), 3, p.channelsLast() ? CNN2DFormat.NHWC : CNN2DFormat.NCHW);
            Map<String, InputType> types = g.getConfiguration().getLayerActivationTypes(false, in);
            List<Map<String, Object>> rows = new ArrayList<>();
            Map<String, Long> perStage = new LinkedHashMap<>();
            for (String s : sm.stageOrder()) perStage.put(s, 0L);
            for (String v : g.getConfiguration().getTopologicalOrderStr()) {
                GraphVertex gv = g.getVertex(v);
                long params = gv.hasLayer() ? gv.getLayer().numParams() : 0;
                String type = gv.hasLayer() ? gv.getLayer().getClass().getSimpleName() : gv.getClass().getSimpleName();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("vertex", v);
                r.put("type", type);
                r.put("output", shape(v.equals(g.getConfiguration().getNetworkInputs().get(0)) ? in : types.get(v)));
                r.put("params", params);
                r.put("stage", sm.stageOf(v));
                if (v.equals(b.featureVertex())) r.put("feature", true);
                rows.add(r);
                perStage.merge(sm.stageOf(v), params, Long::sum);
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("name", b.name());
                doc.put("preprocessing", p.describe());
                doc.put("featureVertex", b.featureVertex());
                doc.put("featureSize", b.featureSize());
                doc.put("params", g.numParams());
                doc.put("stageParams", perStage);
                doc.put("vertices", rows);
                printJson(out, doc);
            } else {
                out.printf("%s: %s%n", b.name(), b.description());
                out.printf("input %s; features: %s (%d)%n%n", p.describe(), b.featureVertex(), b.featureSize());
                out.printf("%-32s %-30s %-14s %12s  %s%n", "VERTEX", "TYPE", "OUTPUT", "PARAMS", "STAGE");
                for (Map<String, Object> r : rows) {
                    out.printf(Locale.ROOT, "%-32s %-30s %-14s %,12d  %s%s%n", r.get("vertex"), r.get("type"), r.get("output"), (Long) r.get("params"),
                            r.get("stage"), r.containsKey("feature") ? "  <- features" : "");
                }
                out.println();
                for (var e : perStage.entrySet()) {
                    out.printf(Locale.ROOT, "%-8s %4d vertices %,12d params%n", e.getKey(), sm.vertices(e.getKey()).size(), e.getValue());
                }
                out.printf(Locale.ROOT, "total    %4d vertices %,12d params%n", rows.size(), g.numParams());
            }
            out.flush();
            return ExitCode.OK;
        }

        private static String shape(InputType t) {
            if (t instanceof InputType.InputTypeConvolutional c) return c.getHeight() + "x" + c.getWidth() + "x" + c.getChannels();
            if (t instanceof InputType.InputTypeFeedForward f) return String.valueOf(f.getSize());
            return t == null ? "?" : t.toString();
        }
    }
}
