package dev.tl.train;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.StageMap;
import dev.tl.model.GraphSurgery;
import dev.tl.model.InferenceGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs a {@link TrainPlan} on a graph whose head is already attached.
 *
 * <p>Per phase: cut the graph in front of the first trainable stage ({@link GraphSurgery#boundary}), run the
 * frozen part once for every validation image and every training view and keep its output, then fit only
 * the tail on those cached activations. DL4J trains a whole ResNet50 at a third to a half of PyTorch's
 * speed, but a frozen stage costs nothing after its first pass here, which is where {@code tl} wins its
 * time-to-accuracy. Frozen layers run in inference mode by construction (they are run with train=false),
 * so their BatchNorm uses running statistics; the frozen pass runs on an {@link InferenceGraph} copy with
 * each such BatchNorm folded into its convolution (same maths, float rounding aside).
 */
public final class Trainer {
    private final TrainPlan plan;
    private final BackboneSpec spec;
    private final List<TrainingListener> listeners;
    private final FeatureDiskCache diskCache;

    /** The live state listeners may read (e.g. to checkpoint). */
    /** @param valProbabilities this epoch's validation probabilities, checkpointed so a resumed run can report them */
    public record State(ComputationGraph full, ComputationGraph tail, int phaseIndex, int phaseEpoch, int epoch,
                        double bestValAccuracy, int bestEpoch, boolean improved, float[][] valProbabilities) {
    }

    /**
     * @param valProbabilities class probabilities of every validation image from the selected epoch's weights,
     *                         computed on the cached activations (the same numbers the saved model gives,
     *                         which GraphSurgeryTest and the CLI predict/eval consistency test check)
     */
    public record Result(ComputationGraph model, List<EpochResult> history, int bestEpoch, double bestValAccuracy,
                         int selectedEpoch, double featurizeSeconds, double totalSeconds, float[][] valProbabilities) {
    }

    public Trainer(TrainPlan plan, BackboneSpec spec, List<TrainingListener> listeners, FeatureDiskCache diskCache) {
        this.plan = plan;
        this.spec = spec;
        this.listeners = List.copyOf(listeners);
        this.diskCache = diskCache;
    }

    public static Function<Double, IUpdater> optimizer(String name, double momentum) {
        return switch (name) {
            case "adam" -> Adam::new;
            case "sgd" -> Sgd::new;
            case "nesterovs" -> lr -> new Nesterovs(lr, momentum);
            default -> throw new IllegalArgumentException("unknown optimizer " + name);
        };
    }

    public Result fit(ComputationGraph full, ImageSource train, ImageSource val) {
        return fit(full, train, val, null);
    }

    /**
     * Trains from the start, or, with {@code resume}, continues after the checkpointed epoch: the skipped
     * epochs' weights, optimizer state and iteration count come from the checkpoint, and every later epoch
     * draws its data order, views and dropout masks from seeds that depend only on (seed, epoch), so the
     * result equals that of a run that was never interrupted.
     *
     * @param full   the pretrained graph with its freshly initialised head (as for a fresh run)
     * @param resume the state after the last completed epoch, or null
     */
    public Result fit(ComputationGraph full, ImageSource train, ImageSource val, Checkpoint resume) {
        long t0 = System.nanoTime();
        Nd4j.getRandom().setSeed(plan.seed());
        StageMap stages = StageMap.of(full.getConfiguration(), spec);
        List<EpochResult> history = new ArrayList<>();
        double bestAcc = -1;
        int bestEpoch = 0;
        INDArray bestParams = null;
        float[][] bestProbs = null;
        float[][] lastProbs = null;
        int epoch = 0;
        int startPhase = 0;
        int skipEpochs = 0;
        if (resume != null) {
            if (plan.selectBest() && resume.best() != null) {
                // best.zip holds the layers trained up to the best epoch; the others were still pretrained then
                ComputationGraph copy = full.clone();
                resume.best().applyParams(copy);
                bestParams = copy.params().dup();
            }
            bestAcc = resume.bestValAccuracy();
            bestEpoch = resume.bestEpoch();
            bestProbs = resume.best() == null ? null : resume.best().valProbabilities();
            lastProbs = resume.valProbabilities();
            epoch = resume.epoch();
            startPhase = resume.phaseIndex();
            skipEpochs = resume.phaseEpoch();
            if (skipEpochs >= plan.phases().get(startPhase).epochs()) {
                // the phase was complete: its weights go into the full graph and the next phase starts afresh
                resume.applyParams(full);
                startPhase++;
                skipEpochs = 0;
            }
        }
        double featurizeTotal = 0;
        int numClasses = (int) full.getLayer(GraphSurgery.HEAD_OUT).getParam("b").length();
        ComputationGraph tail = null;
        for (int p = startPhase; p < plan.phases().size(); p++) {
            PhasePlan phase = plan.phases().get(p);
            String boundary = GraphSurgery.boundary(full, stages, phase.trainableFrom());
            for (TrainingListener l : listeners) l.onPhaseStart(p, phase, boundary);
            GraphSurgery.TrainSettings settings = new GraphSurgery.TrainSettings(optimizer(plan.optimizer(), plan.momentum()),
                    phase.headLr(), phase.stageLr(), plan.freezeBatchNorm(), plan.weightDecay());
            tail = GraphSurgery.tail(full, stages, boundary, settings);
            boolean resumeInPhase = resume != null && p == resume.phaseIndex() && skipEpochs > 0;
            if (resumeInPhase) resume.restoreTail(tail);
            int views = phase.augment() ? plan.views() : 1;
            long f0 = System.nanoTime();
            FrozenPart frozen = new FrozenPart(full, boundary);
            Cached valSet = featurize(frozen, val, new int[]{0}, phase, "val");
            int[] trainViews = new int[views];
            for (int v = 0; v < views; v++) trainViews[v] = phase.augment() ? v + 1 : 0;
            Cached trainSet = featurize(frozen, train, trainViews, phase, "train");
            double featurizeSeconds = (System.nanoTime() - f0) / 1e9;
            reportMemory(phase, tail, trainSet);
            featurizeTotal += featurizeSeconds;
            for (int e = resumeInPhase ? skipEpochs + 1 : 1; e <= phase.epochs(); e++) {
                epoch++;
                long e0 = System.nanoTime();
                // ND4J's global RNG drives dropout; reseeding per epoch makes each epoch's masks independent
                // of how many epochs ran before it in this process, which resume needs.
                Nd4j.getRandom().setSeed(plan.seed() * 1_000_003L + epoch);
                Random rnd = new Random(plan.seed() * 1_000_003L + epoch);
                int[] order = shuffled(train.size(), rnd);
                int batches = (order.length + plan.batchSize() - 1) / plan.batchSize();
                double lossSum = 0;
                long correct = 0;
                for (int b = 0; b < batches; b++) {
                    long b0 = System.nanoTime();
                    int from = b * plan.batchSize();
                    int to = Math.min(order.length, from + plan.batchSize());
                    int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                    int[] view = new int[idx.length];
                    for (int i = 0; i < idx.length; i++) view[i] = rnd.nextInt(views);
                    INDArray x = trainSet.batch(idx, view);
                    INDArray y = oneHot(train, idx, numClasses);
                    INDArray pred = tail.outputSingle(false, x);
                    correct += countCorrect(pred, train, idx);
                    tail.fit(new DataSet(x, y));
                    double loss = tail.score();
                    lossSum += loss * idx.length;
                    double secs = (System.nanoTime() - b0) / 1e9;
                    for (TrainingListener l : listeners) l.onBatchEnd(phase, epoch, b + 1, batches, loss, idx.length, secs, 0);
                }
                Eval ev = evaluate(tail, valSet, val, numClasses);
                lastProbs = ev.probabilities;
                boolean firstInProcess = e == 1 || (resumeInPhase && e == skipEpochs + 1);
                double secs = (System.nanoTime() - e0) / 1e9 + (firstInProcess ? featurizeSeconds : 0);
                EpochResult r = new EpochResult(p, phase.name(), epoch, e, lossSum / order.length, correct / (double) order.length,
                        ev.loss, ev.accuracy, phase.headLr(), secs, firstInProcess ? featurizeSeconds : 0,
                        order.length / ((System.nanoTime() - e0) / 1e9), (train.waitNanos() + val.waitNanos()) / 1e9);
                history.add(r);
                boolean improved = ev.accuracy > bestAcc;
                if (improved) {
                    bestAcc = ev.accuracy;
                    bestEpoch = epoch;
                    bestProbs = ev.probabilities;
                    if (plan.selectBest()) {
                        GraphSurgery.copyParams(tail, full);
                        bestParams = full.params().dup();
                    }
                }
                State state = new State(full, tail, p, e, epoch, bestAcc, bestEpoch, improved, ev.probabilities);
                for (TrainingListener l : listeners) l.onEpochEnd(r, state);
            }
            GraphSurgery.copyParams(tail, full);
            valSet.close();
            trainSet.close();
            for (TrainingListener l : listeners) l.onPhaseEnd(p, phase);
        }
        if (tail == null && resume != null) resume.applyParams(full); // killed after the last epoch's checkpoint
        int selected = epoch;
        float[][] selectedProbs = lastProbs;
        if (plan.selectBest() && bestParams != null) {
            full.setParams(bestParams);
            selected = bestEpoch;
            selectedProbs = bestProbs;
        }
        return new Result(full, history, bestEpoch, bestAcc, selected, featurizeTotal, (System.nanoTime() - t0) / 1e9, selectedProbs);
    }

    private record Eval(double loss, double accuracy, float[][] probabilities) {
    }

    private Eval evaluate(ComputationGraph tail, Cached set, ImageSource src, int numClasses) {
        double loss = 0;
        long correct = 0;
        int n = src.size();
        float[][] probs = new float[n][];
        for (int from = 0; from < n; from += plan.batchSize()) {
            int to = Math.min(n, from + plan.batchSize());
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            INDArray pred = tail.outputSingle(false, set.batch(idx, new int[idx.length]));
            correct += countCorrect(pred, src, idx);
            for (int i = 0; i < idx.length; i++) {
                probs[idx[i]] = pred.getRow(i).toFloatVector();
                double pr = Math.max(pred.getDouble(i, src.label(idx[i])), 1e-15);
                loss -= Math.log(pr);
            }
        }
        return new Eval(loss / Math.max(1, n), correct / (double) Math.max(1, n), probs);
    }

    private static long countCorrect(INDArray pred, ImageSource src, int[] idx) {
        INDArray arg = Nd4j.argMax(pred, 1);
        long c = 0;
        for (int i = 0; i < idx.length; i++) if (arg.getInt(i) == src.label(idx[i])) c++;
        return c;
    }

    private static INDArray oneHot(ImageSource src, int[] idx, int numClasses) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, idx.length, numClasses);
        for (int i = 0; i < idx.length; i++) y.putScalar(i, src.label(idx[i]), 1f);
        return y;
    }

    static int[] shuffled(int n, Random rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Activations at the cut for every image and view, each stored as its own [1, ...] array. */
    private static final class Cached {
        final INDArray[][] rows; // [view][image]

        Cached(int views, int n) {
            rows = new INDArray[views][n];
        }

        INDArray batch(int[] idx, int[] view) {
            INDArray[] parts = new INDArray[idx.length];
            for (int i = 0; i < idx.length; i++) parts[i] = rows[view[i]][idx[i]];
            return parts.length == 1 ? parts[0] : Nd4j.concat(0, parts);
        }

        void close() {
            for (INDArray[] r : rows) java.util.Arrays.fill(r, null);
        }
    }

    /**
     * The frozen part of a phase: the graph up to the boundary, folded for inference ({@link InferenceGraph})
     * on first use, so that a pass served entirely from the disk cache never builds it.
     */
    private static final class FrozenPart {
        final ComputationGraph full;
        final String boundary;
        final boolean isInput;
        private InferenceGraph.Folded folded;

        FrozenPart(ComputationGraph full, String boundary) {
            this.full = full;
            this.boundary = boundary;
            this.isInput = full.getConfiguration().getNetworkInputs().contains(boundary);
        }

        INDArray output(INDArray x) {
            if (isInput) return x;
            if (folded == null) folded = InferenceGraph.of(full, boundary);
            return InferenceGraph.output(folded, x);
        }
    }

    private Cached featurize(FrozenPart frozen, ImageSource src, int[] views, PhasePlan phase, String split) {
        boolean isInput = frozen.isInput;
        String boundary = frozen.boundary;
        Cached c = new Cached(views.length, src.size());
        long t0 = System.nanoTime();
        int total = src.size() * views.length;
        int done = 0;
        boolean allFromDisk = true;
        boolean useDisk = diskCache != null && !isInput && boundary.equals(spec.featureVertex());
        for (int v = 0; v < views.length; v++) {
            int view = views[v];
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < src.size(); i++) {
                INDArray hit = null;
                String id = src.contentId(i);
                if (useDisk && id != null) hit = diskCache.get(id, view, plan.seed());
                if (hit != null) {
                    c.rows[v][i] = hit;
                    done++;
                } else {
                    missing.add(i);
                }
            }
            if (!missing.isEmpty()) allFromDisk = false;
            for (int from = 0; from < missing.size(); from += plan.batchSize()) {
                int to = Math.min(missing.size(), from + plan.batchSize());
                int[] idx = missing.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
                INDArray x = src.images(idx, view);
                if (to < missing.size()) {
                    src.prefetch(missing.subList(to, Math.min(missing.size(), to + plan.batchSize())).stream().mapToInt(Integer::intValue).toArray(), view);
                }
                INDArray out = frozen.output(x);
                for (int i = 0; i < idx.length; i++) {
                    INDArray row = row(out, i);
                    c.rows[v][idx[i]] = row;
                    String id = src.contentId(idx[i]);
                    if (useDisk && id != null) {
                        try {
                            diskCache.put(id, view, plan.seed(), row);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write feature cache in " + diskCache.dir() + ": " + e.getMessage(), e);
                        }
                    }
                }
                done += idx.length;
                double secs = (System.nanoTime() - t0) / 1e9;
                if (done < total) {
                    for (TrainingListener l : listeners) l.onFeaturize(phase, split, done, total, secs, false);
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        for (TrainingListener l : listeners) l.onFeaturize(phase, split, total, total, secs, allFromDisk && total > 0 && useDisk);
        return c;
    }

    private void reportMemory(PhasePlan phase, ComputationGraph tail, Cached trainSet) {
        MemoryEstimate est = null;
        String why = null;
        try {
            if (trainSet.rows.length > 0 && trainSet.rows[0].length > 0 && trainSet.rows[0][0] != null) {
                est = MemoryEstimate.of(tail, trainSet.rows[0][0].shape(), plan.batchSize());
            } else {
                why = "no training images";
            }
        } catch (RuntimeException e) {
            // Some imported layer types do not implement DL4J's memory report; training does not depend on it.
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        for (TrainingListener l : listeners) l.onMemoryEstimate(phase, est, why);
    }

    private static INDArray row(INDArray batch, int i) {
        INDArrayIndex[] ix = new INDArrayIndex[batch.rank()];
        ix[0] = NDArrayIndex.interval(i, i + 1);
        for (int d = 1; d < ix.length; d++) ix[d] = NDArrayIndex.all();
        return batch.get(ix).dup('c');
    }

    static Map<String, Double> noStageLr() {
        return Map.of();
    }
}
