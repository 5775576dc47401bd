package dev.tl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.ModelCache;
import dev.tl.config.ConfigLoader;
import dev.tl.config.TlConfig;
import dev.tl.data.Augment;
import dev.tl.data.ContentHashes;
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
import dev.tl.data.DataCheck;
import dev.tl.train.Checkpoint;
import dev.tl.train.FeatureDiskCache;
import dev.tl.train.FolderImageSource;
import dev.tl.train.Listeners;
import dev.tl.train.Planner;
import dev.tl.train.TrainPlan;
import dev.tl.train.Trainer;
import dev.tl.train.TrainingListener;
import dev.tl.run.AtomicFiles;
import dev.tl.run.Hashing;
import dev.tl.run.ModelBundle;
import dev.tl.run.Provenance;
import dev.tl.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One complete training run, exactly what {@code tl train} does after parsing its options: split the data,
 * create the run directory, load the backbone, train, save the bundle, evaluate and write {@code eval.json}
 * and {@code summary.json}. It lives outside the CLI so that {@code tl compare} trains each strategy through
 * the very same code path (same split, same feature cache, same files) instead of a look-alike.
 */
public final class TrainingRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingRun() {}

    /**
     * What a run produced.
     *
     * @param run        the run directory
     * @param bundle     the saved model bundle
     * @param summary    the content of {@code summary.json}, in its key order
     * @param evaluation validation metrics of the selected epoch
     * @param ci         their bootstrap 95% intervals
     * @param result     the trainer's result (history, timings)
     * @param trainImages number of training images (before augmentation)
     * @param wallSeconds wall time of the whole run, backbone loading and file writing included
     */
    public record TrainOutcome(Path run, Path bundle, Map<String, Object> summary, Evaluation evaluation,
                               Bootstrap.Result ci, Trainer.Result result, int trainImages, double wallSeconds) {
    }

    /**
     * How this run starts, beyond its config: fresh (all null), resumed from a checkpoint in its own
     * directory, or initialized from another run's weights.
     *
     * @param resume         the run directory being continued, or null
     * @param checkpoint     its last checkpoint (with {@code resume})
     * @param initFrom       a run or bundle whose weights start a new run, or null
     * @param haltAfterEpoch test-only fault injection: fail like a crash after this epoch, or null
     */
    public record Start(Path resume, Checkpoint checkpoint, Path initFrom, Integer haltAfterEpoch) {
        public static Start fresh() {
            return new Start(null, null, null, null);
        }
    }

    public static TrainOutcome run(TlConfig cfg, Path runParent, Path modelsDir, List<String> commandLine,
                                   PrintWriter err) throws Exception {
        return run(cfg, runParent, modelsDir, commandLine, err, Start.fresh());
    }

    /**
     * Trains {@code cfg} into a new run directory under {@code runParent}.
     *
     * @param modelsDir   model cache override (null: {@link ModelCache#defaultRoot})
     * @param commandLine recorded in {@code provenance.json}
     * @param err         progress and warnings
     * @param x           fresh, resumed or initialized from another run
     */
    public static TrainOutcome run(TlConfig cfg, Path runParent, Path modelsDir, List<String> commandLine,
                                   PrintWriter err, Start x) throws Exception {
        long wall0 = System.nanoTime();
        FastPath.enable();
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
        ContentHashes hashes = new ContentHashes(); // each image is read and hashed once for check, fingerprint and cache keys
        DataCheck.Report check = DataCheck.run(dataDir, cfg.data().valFraction(), cfg.data().splitSeed(), false, hashes);
        err.println(check.compact());
        if (!check.usable()) throw new DataException(check.blockingLine());
        DataFingerprint fp = DataFingerprint.of(dataDir, split, hashes);
        err.printf("data: %s, classes %s%n", fp.describe(), split.classes());

        ModelBundle.Loaded init = x.initFrom() != null ? Resume.loadInit(x.initFrom(), bb.name(), split.classes()) : null;

        Path run = x.resume() != null ? x.resume() : RunDirectory.create(runParent, cfg.output().name(), cfg.strategy().name().id());
        err.printf(x.resume() != null ? "run: %s (resuming after epoch " + x.checkpoint().epoch() + ")%n" : "run: %s%n", run);
        String yaml = ConfigLoader.toYaml(cfg);
        if (x.resume() == null) AtomicFiles.writeString(run.resolve("config.yaml"), yaml);

        ModelCache cache = new ModelCache(ModelCache.defaultRoot(modelsDir), err);
        long t0 = System.nanoTime();
        ComputationGraph pretrained = cache.load(bb);
        FastPath.Report fast = FastPath.check(pretrained);
        err.printf("backbone: %s loaded in %.1fs; %s%n", bb.name(), (System.nanoTime() - t0) / 1e9, fast);
        if (fast.helperCapable() > 0 && !fast.allFast()) {
            err.println("warning: some conv/BatchNorm/pooling layers run on DL4J's slow path (see README, 'CPU speed')");
        }
        TrainPlan plan = Planner.plan(cfg, bb);
        float[] classWeights = plan.classWeights(split.train().stream().mapToInt(Sample::label).toArray(), split.numClasses());
        if (classWeights != null) err.printf("class weights (balanced): %s%n", java.util.Arrays.toString(classWeights));
        ComputationGraph full = GraphSurgery.attachHead(pretrained, bb, plan.head(), split.numClasses(), plan.seed(), classWeights);
        if (init != null) Resume.copyWeights(full, init);

        String weightsId = cache.weightsId(bb);
        Map<String, Object> prov = Provenance.collect(commandLine,
                Hashing.sha256Hex(yaml), fp.sha256(), plan.seed(), weightsId, fast.toString());
        if (x.initFrom() != null) prov.put("init_from", x.initFrom().toAbsolutePath().toString());
        if (x.resume() == null) AtomicFiles.writeString(run.resolve("provenance.json"), JSON.writeValueAsString(prov));
        else Resume.recordResume(run, fp.sha256(), x.checkpoint().epoch(), commandLine);

        ImageTransform transform = new ImageTransform(bb.preprocessing());
        Augment augment = new Augment(cfg.data().augment().flip(), cfg.data().augment().minScale());
        FeatureDiskCache disk = new FeatureDiskCache(cache.root().resolve("features").resolve(bb.name()),
                weightsId + "|" + bb.preprocessing().describe() + "|" + bb.featureVertex());
        List<TrainingListener> listeners = List.of(new Listeners.Progress(err, plan.totalEpochs()),
                x.resume() != null ? new Listeners.Csv(run.resolve("metrics.csv"), x.checkpoint().epoch()) : new Listeners.Csv(run.resolve("metrics.csv")),
                new Listeners.Checkpoints(run.resolve("checkpoints")), new Listeners.HaltAfter(x.haltAfterEpoch()));
        Trainer.Result result;
        try (FolderImageSource train = new FolderImageSource(split.train(), transform, augment, plan.seed(), cfg.data().workers(), hashes);
             FolderImageSource val = new FolderImageSource(split.val(), transform, Augment.NONE, plan.seed(), cfg.data().workers(), hashes)) {
            result = new Trainer(plan, bb, listeners, disk).fit(full, train, val, x.checkpoint());
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
        return new TrainOutcome(run, bundle, summary, ev, ci, result, split.train().size(), (System.nanoTime() - wall0) / 1e9);
    }

    private static void reportSkipped(PrintWriter err, List<Skipped> skipped) {
        if (skipped.isEmpty()) return;
        err.printf("skipped %d file(s) that are not readable JPEG/PNG images:%n", skipped.size());
        for (Skipped s : skipped) err.println("  " + s);
    }
}
