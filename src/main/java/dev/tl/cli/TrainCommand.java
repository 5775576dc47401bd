package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.config.ConfigLoader;
import dev.tl.config.Overrides;
import dev.tl.config.TlConfig;
import dev.tl.model.FastPath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier on an image folder with a transfer-learning strategy.",
                "Without --config, uses configs/quickstart.yaml (or its embedded copy): ResNet50 features on ants vs bees."},
        footer = {"", "Strategies: feature-extract, head-replace, fine-tune, progressive. Examples in configs/.", "", ExitCode.HELP_LIST})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML strategy config (default: configs/quickstart.yaml).")
    Path config;

    @Option(names = "--strategy", paramLabel = "NAME", description = "Override strategy.name.")
    String strategy;

    @Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs (for progressive: every phase's epochs).")
    Integer epochs;

    @Option(names = "--data", paramLabel = "DIR", description = "Override data.dir.")
    Path data;

    @Option(names = "--backbone", paramLabel = "NAME", description = "Override backbone.name.")
    String backbone;

    @Option(names = "--batch-size", paramLabel = "N", description = "Override training.batch_size.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Override training.lr.")
    Double lr;

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Override output.dir (parent of run directories).")
    Path runsDir;

    @Option(names = "--json", description = "Print a JSON summary on stdout (progress stays on stderr).")
    boolean json;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a stopped run from its checkpoints/last.zip, with its own config.yaml, in the same directory.")
    Path resume;

    @Option(names = "--init-from", paramLabel = "RUN_OR_BUNDLE", description = "Start a new run from another run's trained weights (same backbone, head and classes).")
    Path initFrom;

    /** Fault injection for the resume tests: fail like a crash right after this epoch's checkpoint is written. */
    @Option(names = "--halt-after-epoch", hidden = true, paramLabel = "N")
    Integer haltAfterEpoch;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        FastPath.enable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (resume != null) checkResumeOptions();
        TlConfig cfg = resume != null ? ConfigLoader.load(Resume.configOf(resume), new Overrides(null, null, data, null, null, null)) : loadConfig();
        TrainingRun.Start start = new TrainingRun.Start(resume, resume != null ? Resume.checkpoint(resume) : null, initFrom, haltAfterEpoch);
        Path runParent = runsDir != null ? runsDir : cfg.output().dir();
        TrainingRun.TrainOutcome o = TrainingRun.run(cfg, runParent, common.modelsDir,
                spec.commandLine().getParseResult().originalArgs(), err, start);
        if (json) {
            out.println(JSON.writeValueAsString(o.summary()));
        } else {
            out.println(o.evaluation().summary(o.ci()));
            out.printf("trained %s/%s in %.1fs (frozen-feature pass %.1fs); model: %s%n", cfg.backboneSpec().name(), cfg.strategy().name().id(),
                    o.result().totalSeconds(), o.result().featurizeSeconds(), o.bundle());
        }
        out.flush();
        return ExitCode.OK;
    }

    /**
     * A resumed run must train exactly as it started, so options that would change its config are refused.
     * {@code --data} is allowed for a dataset that moved: its fingerprint must still match the run's.
     */
    private void checkResumeOptions() {
        List<String> given = new ArrayList<>();
        if (config != null) given.add("--config");
        if (strategy != null) given.add("--strategy");
        if (epochs != null) given.add("--epochs");
        if (backbone != null) given.add("--backbone");
        if (batchSize != null) given.add("--batch-size");
        if (lr != null) given.add("--lr");
        if (runsDir != null) given.add("--runs-dir");
        if (initFrom != null) given.add("--init-from");
        if (!given.isEmpty()) {
            throw TlException.usage("--resume continues " + resume + " with its own config.yaml; drop " + String.join(", ", given)
                    + " (to train with other settings, start a new run with --init-from " + resume + ")");
        }
    }

    private TlConfig loadConfig() {
        Overrides o = new Overrides(strategy, epochs, data, backbone, batchSize, lr);
        if (config != null) {
            if (Files.isDirectory(config)) throw TlException.usage(config + ": is a directory; pass a YAML config file (see configs/)");
            return ConfigLoader.load(config, o);
        }
        if (strategy != null) {
            // `tl train --strategy NAME`: that strategy's shipped config, not the quickstart switched over
            dev.tl.config.Strategy s;
            try {
                s = dev.tl.config.Strategy.fromName(strategy);
            } catch (IllegalArgumentException e) {
                throw TlException.usage("--strategy " + strategy + ": unknown; use one of " + dev.tl.config.Strategy.validNames());
            }
            Overrides rest = new Overrides(null, epochs, data, backbone, batchSize, lr);
            TlConfig base = ConfigLoader.strategyConfig(s);
            return rest.isEmpty() ? base : base.apply(rest);
        }
        TlConfig base = ConfigLoader.defaultConfig();
        return o.isEmpty() ? base : base.apply(o);
    }
}
