package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.ModelCache;
import dev.tl.config.ConfigLoader;
import dev.tl.config.Overrides;
import dev.tl.config.TlConfig;
import dev.tl.data.Augment;
import dev.tl.data.DataCheck;
import dev.tl.data.DataException;
import dev.tl.data.DataFingerprint;
import dev.tl.data.DatasetFetcher;
import dev.tl.data.DatasetSplit;
import dev.tl.data.ImageFolder;
import dev.tl.data.ImageTransform;
import dev.tl.data.Sample;
import dev.tl.data.Skipped;
import dev.tl.metrics.Bootstrap;
import dev.tl.metrics.Evaluation;
import dev.tl.model.FastPath;
import dev.tl.model.GraphSurgery;
import dev.tl.run.AtomicFiles;
import dev.tl.run.ModelBundle;
import dev.tl.run.Provenance;
import dev.tl.run.RunDirectory;
import dev.tl.train.Checkpoint;
import dev.tl.train.FeatureDiskCache;
import dev.tl.train.FolderImageSource;
import dev.tl.train.Listeners;
import dev.tl.train.Planner;
import dev.tl.train.TrainPlan;
import dev.tl.train.Trainer;
import dev.tl.train.TrainingListener;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Checkpoint checkpoint = resume != null ? Resume.checkpoint(resume) : null;
        BackboneSpec bb = cfg.backboneSpec();

        Path dataDir = cfg.data().dir();
        if (!Files.exists(dataDir) && DatasetFetcher.isQuickstartData(dataDir)) {
            DatasetFetcher.fetchHymenoptera(dataDir, err);
        }
        if (!Files.exists(dataDir)) {
            throw new DataException(dataDir + ": dataset folder does not exist; pass --data DIR or set data.dir in the config");
        }
        DatasetSplit split = ImageFolder.scan(dataDir, cfg.data().valFraction(), cfg.data().splitSeed());
        if (split.numClasses() < 2) {
            throw new DataException(dataDir + ": only one class folder " + split.classes() + "; a classifier needs at least 2, add a folder per class");
        }
        if (split.val().isEmpty()) throw new DataException(dataDir + ": no validation images; add a val/ folder or set data.val_fraction > 0");
        reportSkipped(err, split.skipped());
        DataCheck.Report check = DataCheck.run(dataDir, cfg.data().valFraction(), cfg.data().splitSeed(), false);
        err.println(check.compact());
        if (!check.usable()) throw new DataException(check.blockingLine());
        DataFingerprint fp = DataFingerprint.of(dataDir, split);
        err.printf("data: %s, classes %s%n", fp.describe(), split.classes());

        ModelBundle.Loaded init = initFrom != null ? Resume.loadInit(initFrom, bb.name(), split.classes()) : null;

        Path runParent = runsDir != null ? runsDir : cfg.output().dir();
        Path run = resume != null ? resume : RunDirectory.create(runParent, cfg.output().name(), cfg.strategy().name().id());
        err.printf(resume != null ? "run: %s (resuming after epoch " + checkpoint.epoch() + ")%n" : "run: %s%n", run);
        String yaml = ConfigLoader.toYaml(cfg);
        if (resume == null) AtomicFiles.writeString(run.resolve("config.yaml"), yaml);

        ModelCache cache = new ModelCache(ModelCache.defaultRoot(common.modelsDir), err);
        long t0 = System.nanoTime();
        ComputationGraph pretrained = cache.load(bb);
        FastPath.Report fast = FastPath.check(pretrained);
        err.printf("backbone: %s loaded in %.1fs; %s%n", bb.name(), (System.nanoTime() - t0) / 1e9, fast);
        if (fast.helperCapable() > 0 && !fast.allFast()) {
            err.println("warning: some conv/BatchNorm/pooling layers run on DL4J's slow path (see README, 'CPU speed')");
        }
        TrainPlan plan = Planner.plan(cfg, bb);
        ComputationGraph full = GraphSurgery.attachHead(pretrained, bb, plan.head(), split.numClasses(), plan.seed());
        if (init != null) Resume.copyWeights(full, init);

        String weightsId = cache.weightsId(bb);
        Map<String, Object> prov = Provenance.collect(spec.commandLine().getParseResult().originalArgs(),
                sha256(yaml), fp.sha256(), plan.seed(), weightsId, fast.toString());
        if (initFrom != null) prov.put("init_from", initFrom.toAbsolutePath().toString());
        if (resume == null) AtomicFiles.writeString(run.resolve("provenance.json"), JSON.writeValueAsString(prov));
        else Resume.recordResume(run, fp.sha256(), checkpoint.epoch(), spec.commandLine().getParseResult().originalArgs());

        ImageTransform transform = new ImageTransform(bb.preprocessing());
        Augment augment = new Augment(cfg.data().augment().flip(), cfg.data().augment().minScale());
        FeatureDiskCache disk = new FeatureDiskCache(cache.root().resolve("features").resolve(bb.name()),
                weightsId + "|" + bb.preprocessing().describe() + "|" + bb.featureVertex());
        List<TrainingListener> listeners = List.of(new Listeners.Progress(err, plan.totalEpochs()),
                resume != null ? new Listeners.Csv(run.resolve("metrics.csv"), checkpoint.epoch()) : new Listeners.Csv(run.resolve("metrics.csv")),
                new Listeners.Checkpoints(run.resolve("checkpoints")), new Listeners.HaltAfter(haltAfterEpoch));
        Trainer.Result result;
        try (FolderImageSource train = new FolderImageSource(split.train(), transform, augment, plan.seed(), cfg.data().workers());
             FolderImageSource val = new FolderImageSource(split.val(), transform, Augment.NONE, plan.seed(), cfg.data().workers())) {
            result = new Trainer(plan, bb, listeners, disk).fit(full, train, val, checkpoint);
        } catch (OutOfMemoryError | RuntimeException e) {
            if (Memory.isOutOfMemory(e)) throw new TlException(ExitCode.INTERNAL, Memory.message(plan.batchSize()), e);
            throw e;
        }

        ModelBundle.Info info = new ModelBundle.Info(ModelBundle.FORMAT, Provenance.version(), bb.name(), cfg.strategy().name().id(),
                split.classes(), ModelBundle.PreprocessingInfo.of(bb.preprocessing()), Instant.now().toString(),
                Map.of("selected_epoch", result.selectedEpoch(), "best_epoch", result.bestEpoch(),
                        "best_val_accuracy", result.bestValAccuracy(), "train_seconds", result.totalSeconds()));
        Path bundle = run.resolve(ModelBundle.FILE_NAME);
        ModelBundle.save(bundle, result.model(), info);

        // The selected epoch's validation predictions, from the cached activations: the saved model gives the
        // same numbers (tl eval recomputes them from images; tests check the two agree).
        int[] truth = split.val().stream().mapToInt(Sample::label).toArray();
        String[] ids = split.val().stream().map(s -> dataDir.relativize(s.path()).toString()).toArray(String[]::new);
        Evaluation ev = new Evaluation(split.classes(), truth, result.valProbabilities(), ids);
        Bootstrap.Result ci = new Bootstrap(plan.seed()).run(ev);
        Map<String, Object> evalJson = ev.toJson(ci);
        AtomicFiles.writeString(run.resolve("eval.json"), JSON.writeValueAsString(evalJson));
        dev.tl.report.RunReport.writeOrWarn(run, new dev.tl.report.RunReport.Request(evalJson, dataDir, run, Map.of()), err);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("run", run.toString());
        summary.put("model", bundle.toString());
        summary.put("strategy", cfg.strategy().name().id());
        summary.put("backbone", bb.name());
        summary.put("val_accuracy", ev.accuracy());
        summary.put("val_accuracy_ci95", List.of(ci.accuracy().low(), ci.accuracy().high()));
        summary.put("macro_f1", ev.macro().f1());
        summary.put("best_val_accuracy", result.bestValAccuracy());
        summary.put("best_epoch", result.bestEpoch());
        summary.put("selected_epoch", result.selectedEpoch());
        summary.put("featurize_seconds", result.featurizeSeconds());
        summary.put("train_seconds", result.totalSeconds());
        summary.put("epochs", plan.totalEpochs());
        AtomicFiles.writeString(run.resolve("summary.json"), JSON.writeValueAsString(summary));
        if (json) {
            out.println(JSON.writeValueAsString(summary));
        } else {
            out.println(ev.summary(ci));
            out.printf("trained %s/%s in %.1fs (frozen-feature pass %.1fs); model: %s%n", bb.name(), cfg.strategy().name().id(),
                    result.totalSeconds(), result.featurizeSeconds(), bundle);
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
        Path quick = Path.of("configs", "quickstart.yaml");
        TlConfig base = Files.isRegularFile(quick) ? ConfigLoader.load(quick) : ConfigLoader.quickstart();
        return o.isEmpty() ? base : base.apply(o);
    }

    private static void reportSkipped(PrintWriter err, List<Skipped> skipped) {
        if (skipped.isEmpty()) return;
        err.printf("skipped %d file(s) that are not readable JPEG/PNG images:%n", skipped.size());
        for (Skipped s : skipped) err.println("  " + s);
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
