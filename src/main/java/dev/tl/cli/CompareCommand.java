package dev.tl.cli;

import dev.tl.bench.Leaderboard;
import dev.tl.bench.MemorySampler;
import dev.tl.config.ConfigLoader;
import dev.tl.config.Overrides;
import dev.tl.config.Strategy;
import dev.tl.config.TlConfig;
import dev.tl.model.FastPath;
import dev.tl.run.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tl compare}: trains all four strategies on the same data, split and seed, through the same code as
 * {@code tl train} ({@link TrainingRun}), and ranks them. Strategies run one after another in this JVM, so
 * the disk feature cache filled by the first frozen-backbone run serves the others.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train every strategy (feature-extract, head-replace, fine-tune, progressive) on the same data, "
                + "split and seed, and print a leaderboard (accuracy with its 95%% interval, macro-F1, wall time, images/s, "
                + "peak memory) with a recommendation. Writes leaderboard.csv, .json and .png, and the four runs, into a new "
                + "compare-* directory under the runs dir."},
        footer = {"", ExitCode.HELP_LIST})
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder (one subfolder per class, or train/ and val/).")
    Path data;

    @Option(names = "--backbone", paramLabel = "NAME", description = "Backbone (default: the quickstart config's, resnet50).")
    String backbone;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs for every strategy (for progressive: every phase); default: each strategy's shipped config (configs/<strategy>.yaml).")
    Integer epochs;

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Parent of the comparison directory (default: the config's output.dir, runs).")
    Path runsDir;

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TlConfig base = ConfigLoader.defaultConfig();
        List<TlConfig> configs = new ArrayList<>();
        for (Strategy s : Strategy.values()) {
            // every config is resolved before anything trains, so a bad option fails at once
            configs.add(ConfigLoader.strategyConfig(s).apply(new Overrides(null, epochs, data, backbone, null, null)));
        }
        Path parent = runsDir != null ? runsDir : base.output().dir();
        Path dir = RunDirectory.create(parent, "compare", configs.get(0).backbone().name());
        err.printf("comparison: %s%n", dir);
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<Leaderboard.Row> rows = new ArrayList<>();
        // the first phase's frozen pass, by cut: time measured where it was computed, to charge later reusers
        Map<String, Double> frozenPass = new LinkedHashMap<>();
        for (TlConfig cfg : configs) {
            String name = cfg.strategy().name().id();
            err.printf("== %s ==%n", name);
            err.flush();
            TrainingRun.TrainOutcome o;
            MemorySampler.Peaks peaks;
            try (MemorySampler mem = new MemorySampler(50)) {
                o = TrainingRun.run(cfg, dir, common.modelsDir, args, err);
                peaks = mem.peaks();
            }
            // Strategies whose first phase trains the head alone (feature-extract, head-replace, progressive's
            // head phase) cut at the feature vertex; fine-tune cuts in front of unfreeze_from.
            String cut = cfg.strategy().name() == dev.tl.config.Strategy.FINE_TUNE ? "before " + cfg.strategy().unfreezeFrom() : "features";
            double firstPass = o.result().history().isEmpty() ? 0 : o.result().history().get(0).featurizeSeconds();
            double reused = 0;
            if (firstPass < 0.5 && frozenPass.containsKey(cut)) reused = frozenPass.get(cut);
            else frozenPass.putIfAbsent(cut, firstPass);
            double seconds = o.result().totalSeconds();
            double ips = seconds > 0 ? (double) o.trainImages() * o.result().history().size() / seconds : 0;
            rows.add(new Leaderboard.Row(name, o.evaluation().accuracy(), o.ci().accuracy().low(), o.ci().accuracy().high(),
                    o.evaluation().macro().f1(), o.wallSeconds(), reused, ips, peaks.heapBytes(), peaks.offHeapBytes(),
                    peaks.physicalBytes(), o.run().toString()));
        }
        Leaderboard board = new Leaderboard(rows);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("data", data.toString());
        context.put("backbone", configs.get(0).backbone().name());
        context.put("epochs", epochs);
        context.put("directory", dir.toString());
        board.write(dir, context);
        out.print(board.table());
        out.printf("written: %s, %s, %s in %s%n", Leaderboard.CSV, Leaderboard.JSON_FILE, Leaderboard.PNG, dir);
        out.flush();
        return ExitCode.OK;
    }
}
