package dev.tl.bench;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.StageMap;
import dev.tl.config.ConfigLoader;
import dev.tl.config.Overrides;
import dev.tl.config.TlConfig;
import dev.tl.model.FastPath;
import dev.tl.model.InferenceGraph;
import dev.tl.model.GraphSurgery;
import dev.tl.train.PhasePlan;
import dev.tl.train.Planner;
import dev.tl.train.TrainPlan;
import dev.tl.train.Trainer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures what a user of {@code tl} waits for, on random tensors of the backbone's input shape (speed does
 * not depend on pixel values, so no dataset is needed): inference, feature extraction, the three kinds of
 * training step, peak memory, and how close the forward pass gets to the machine's FP32 matrix-product peak.
 * Every figure is the median of {@link Settings#runs()} timed runs after warm-up (DL4J's workspaces and
 * oneDNN's primitive caches make the first calls several times slower; see {@link Settings#warmup()}).
 */
public final class Bench {
    /** Classes of the benchmark head; its size barely matters next to the backbone. */
    static final int CLASSES = 10;

    /**
     * How much to repeat.
     *
     * @param warmup        untimed calls before timing, at least. DL4J sizes its workspaces over the first calls of
     *                      each new shape and output path: ResNet50 at batch 8 took 2.1-2.5 s per call for six
     *                      calls, then 0.45 s. So warm-up also goes on while a call is more than 10% faster than
     *                      the one before it, up to {@code maxWarmup}.
     * @param maxWarmup     cap on untimed calls
     * @param runs          timed runs per figure
     * @param minRunSeconds each timed run repeats the call until it lasts about this long, so that a call of a
     *                      millisecond (a head step on cached features, batch-1 inference of a tiny model) is
     *                      not timed alone
     * @param trainBatch    images per training step (tl's default batch size)
     * @param batches       inference batch sizes tried; the best is reported
     * @param matmulSize    side of the square FP32 matrix product that measures the machine's peak
     */
    public record Settings(int warmup, int maxWarmup, int runs, double minRunSeconds, int trainBatch, List<Integer> batches,
                           int matmulSize) {
        public static Settings full() {
            return new Settings(5, 12, 5, 0.5, 16, List.of(8, 16, 32), 4096);
        }

        /** For tests and smoke runs: few repetitions, short runs, a small matrix product. */
        public static Settings quick() {
            return new Settings(1, 3, 3, 0.02, 8, List.of(8, 16, 32), 512);
        }
    }

    /** Images per second at one inference batch size. */
    public record BatchFigure(int batch, Stats imagesPerSecond) {}

    /** All figures of one backbone; speeds in images per second. */
    public record BackboneResult(String backbone, long parameters, double gflopPerImage,
                                 Stats inferenceBatch1, List<BatchFigure> inferenceBatched, int bestBatch,
                                 Stats inferenceBest, Stats featureExtraction, int trainBatch,
                                 Stats trainHeadOnCachedFeatures, Stats trainHeadFrozenBackbone, Stats trainFull,
                                 MemorySampler.Peaks peakMemory, double fractionOfFp32Peak, String fastPath) {}

    /** The whole benchmark: machine peak, then one result per backbone. */
    public record Report(String schema, int cpus, Settings settings, Stats matmulGflops, int matmulSize, List<BackboneResult> backbones) {}

    private final Settings settings;
    private final PrintWriter log;

    public Settings settings() {
        return settings;
    }

    public Bench(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    /** FP32 GFLOPS of an n x n x n ND4J matrix product (2n^3 operations), median of runs. */
    public Stats matmulGflops() {
        int n = settings.matmulSize();
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double flop = 2.0 * n * n * n;
        return time(flop / 1e9, () -> a.mmuli(b, c));
    }

    /** Runs every measurement on {@code pretrained}, the backbone as {@link dev.tl.backbone.ModelCache#load} gives it. */
    public BackboneResult run(BackboneSpec spec, ComputationGraph pretrained, Stats matmul) {
        FastPath.enable();
        var p = spec.preprocessing();
        Random rnd = new Random(42);
        Nd4j.getRandom().setSeed(42);
        try (MemorySampler mem = new MemorySampler(20)) {
            long flops = FlopCounter.forwardFlops(pretrained,
                    InputType.convolutional(p.height(), p.width(), 3, p.channelsLast() ? CNN2DFormat.NHWC : CNN2DFormat.NCHW));

            log.printf("%s: inference batch 1%n", spec.name());
            log.flush();
            INDArray x1 = input(spec, 1);
            Stats b1 = time(1, () -> pretrained.outputSingle(false, x1));

            List<BatchFigure> batched = new ArrayList<>();
            BatchFigure best = null;
            for (int bs : settings.batches()) {
                log.printf("%s: inference batch %d%n", spec.name(), bs);
                log.flush();
                INDArray x = input(spec, bs);
                BatchFigure f = new BatchFigure(bs, time(bs, () -> pretrained.outputSingle(false, x)));
                batched.add(f);
                if (best == null || f.imagesPerSecond().median() > best.imagesPerSecond().median()) best = f;
            }

            log.printf("%s: feature extraction batch %d%n", spec.name(), best.batch());
            log.flush();
            INDArray xf = input(spec, best.batch());
            // as tl train's frozen pass runs it: BatchNorm folded into the convolutions
            InferenceGraph.Folded folded = InferenceGraph.of(pretrained, spec.featureVertex());
            Stats feat = time(best.batch(), () -> InferenceGraph.output(folded, xf));

            // The same head and optimizer tl train builds for feature-extract.
            TlConfig cfg = ConfigLoader.quickstart().apply(new Overrides("feature-extract", null, null, spec.name(), null, null));
            TrainPlan plan = Planner.plan(cfg, spec);
            PhasePlan phase = plan.phases().get(0);
            ComputationGraph full = GraphSurgery.attachHead(pretrained, spec, plan.head(), CLASSES, plan.seed());
            StageMap stages = StageMap.of(full.getConfiguration(), spec);
            int tb = settings.trainBatch();
            INDArray y = labels(tb, rnd);

            log.printf("%s: training the head on cached features%n", spec.name());
            log.flush();
            String cut = GraphSurgery.boundary(full, stages, BackboneSpec.HEAD);
            ComputationGraph head = GraphSurgery.tail(full, stages, cut, settings(plan, phase, true));
            long[] fshape = GraphSurgery.featureShape(pretrained, spec).clone();
            fshape[0] = tb;
            INDArray feats = Nd4j.rand(DataType.FLOAT, fshape);
            DataSet headData = new DataSet(feats, y);
            Stats headStats = time(tb, () -> head.fit(headData));

            log.printf("%s: training the head through the frozen backbone%n", spec.name());
            log.flush();
            ComputationGraph frozen = new TransferLearning.GraphBuilder(full)
                    .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(phase.headLr())).build())
                    .setFeatureExtractor(spec.featureVertex()).build();
            DataSet imgData = new DataSet(input(spec, tb), y);
            Stats frozenStats = time(tb, () -> frozen.fit(imgData));

            log.printf("%s: training the whole network%n", spec.name());
            log.flush();
            String in = full.getConfiguration().getNetworkInputs().get(0);
            ComputationGraph whole = GraphSurgery.tail(full, stages, in, settings(plan, phase, false));
            Stats wholeStats = time(tb, () -> whole.fit(imgData));

            double gflop = flops / 1e9;
            double fraction = gflop * best.imagesPerSecond().median() / matmul.median();
            return new BackboneResult(spec.name(), pretrained.numParams(), gflop, b1, List.copyOf(batched), best.batch(),
                    best.imagesPerSecond(), feat, tb, headStats, frozenStats, wholeStats, mem.peaks(), fraction,
                    FastPath.check(pretrained).toString());
        }
    }

    private static GraphSurgery.TrainSettings settings(TrainPlan plan, PhasePlan phase, boolean freezeBatchNorm) {
        return new GraphSurgery.TrainSettings(Trainer.optimizer(plan.optimizer(), plan.momentum()), phase.headLr(),
                Map.of(), freezeBatchNorm, plan.weightDecay());
    }

    private static INDArray input(BackboneSpec spec, int n) {
        // roughly the range of preprocessed pixels; values do not affect speed
        return Nd4j.rand(DataType.FLOAT, spec.preprocessing().batchShape(n)).subi(0.5).muli(2);
    }

    private static INDArray labels(int n, Random rnd) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES);
        for (int i = 0; i < n; i++) y.putScalar(i, rnd.nextInt(CLASSES), 1f);
        return y;
    }

    /**
     * Warms {@code work} up (see {@link Settings#warmup()}), then times {@link Settings#runs()} runs of it and
     * returns {@code unitsPerCall} per second of each run.
     */
    private Stats time(double unitsPerCall, Runnable work) {
        double prev = Double.MAX_VALUE;
        double last = 0;
        for (int i = 0; i < settings.maxWarmup(); i++) {
            long t0 = System.nanoTime();
            work.run();
            last = (System.nanoTime() - t0) / 1e9;
            boolean stillSpeedingUp = last < 0.9 * prev;
            prev = last;
            if (i + 1 >= settings.warmup() && !stillSpeedingUp) break;
        }
        int reps = (int) Math.max(1, Math.min(100_000, Math.ceil(settings.minRunSeconds() / Math.max(last, 1e-6))));
        double[] rates = new double[settings.runs()];
        for (int i = 0; i < rates.length; i++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) work.run();
            rates[i] = unitsPerCall * reps / ((System.nanoTime() - t0) / 1e9);
        }
        return Stats.of(rates);
    }
}
