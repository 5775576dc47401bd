package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Backbones;
import dev.tl.backbone.ModelCache;
import dev.tl.bench.Bench;
import dev.tl.bench.BenchTable;
import dev.tl.bench.Stats;
import dev.tl.model.FastPath;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tl bench}: speed and memory of each backbone on this machine, so a claim like "feature extraction
 * is N times faster than fine-tuning" can be checked in a minute instead of taken on faith.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure inference, feature-extraction and training speed, peak memory, and the fraction of the "
                + "machine's FP32 peak reached, on random inputs (no dataset needed); medians of timed runs after warm-up, "
                + "with min..max.", "Close other programs first: on 2 cores anything else running slows every figure several-fold."},
        footer = {"", ExitCode.HELP_LIST})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backbone", paramLabel = "NAME", description = "Backbone to measure (repeatable; default resnet50).")
    List<String> backbones;

    @Option(names = "--quick", description = "Fewer repetitions and a small matrix product (smoke runs, tests).")
    boolean quick;

    @Option(names = "--json", description = "Print the results as JSON (schema tl.bench/1) instead of a table.")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = backbones == null || backbones.isEmpty() ? List.of("resnet50") : backbones;
        List<BackboneSpec> specs = new ArrayList<>();
        for (String n : names) {
            try {
                specs.add(Backbones.get(n));
            } catch (IllegalArgumentException e) {
                throw TlException.usage("--backbone: " + e.getMessage());
            }
        }
        Bench bench = new Bench(quick ? Bench.Settings.quick() : Bench.Settings.full(), err);
        ModelCache cache = new ModelCache(ModelCache.defaultRoot(common.modelsDir), err);
        err.println("measuring the FP32 matrix-product peak");
        err.flush();
        Stats mm = bench.matmulGflops();
        List<Bench.BackboneResult> results = new ArrayList<>();
        for (BackboneSpec s : specs) {
            ComputationGraph g = cache.load(s);
            results.add(bench.run(s, g, mm));
        }
        Bench.Report report = new Bench.Report("tl.bench/1", Runtime.getRuntime().availableProcessors(), bench.settings(), mm,
                bench.settings().matmulSize(), List.copyOf(results));
        out.print(json ? JSON.writeValueAsString(report) + System.lineSeparator() : BenchTable.render(report));
        out.flush();
        return ExitCode.OK;
    }
}
