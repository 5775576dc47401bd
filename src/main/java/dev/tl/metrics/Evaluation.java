package dev.tl.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Classification metrics for one evaluation set, computed from the model's class probabilities.
 *
 * <p>Why this class exists: a single accuracy number on a few hundred images hides most of what a
 * practitioner needs to decide whether a model is good enough. This class reports the numbers that answer
 * the usual follow-up questions (which classes fail, how confident the mistakes are, whether the
 * probabilities can be trusted, how much the numbers would move on another sample of the same size) with
 * definitions that match scikit-learn, so the values can be checked against a second tool.
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li><b>Prediction</b>: the arg-max of a row; ties go to the lowest class index (as {@code numpy.argmax}),
 *       so a binary row {@code [0.5, 0.5]} predicts class 0. <b>Confidence</b> is the probability of the
 *       predicted class.</li>
 *   <li><b>Top-k accuracy</b>: the true class is among the k classes ranked highest, ranked with the same
 *       tie rule as the prediction (higher probability first, then lower index), so top-1 equals accuracy
 *       exactly. k is capped at the number of classes: top-5 of a 3-class problem is 1.0.</li>
 *   <li><b>Precision, recall, F1</b> per class; a 0/0 (a class never predicted, or never present) counts as
 *       0, as sklearn's {@code zero_division=0}. F1 is {@code 2PR/(P+R)}, 0 when {@code P+R = 0}.</li>
 *   <li><b>Macro average</b>: unweighted mean over the classes that occur in the truth <em>or</em> in the
 *       predictions (sklearn's default label set). A class that is neither present nor predicted has no
 *       evidence either way; averaging in its 0s would punish the model for a gap in the data, so it is
 *       left out and a warning says so. Macro-F1 is the mean of the per-class F1s (sklearn), not the F1 of
 *       macro precision and macro recall.</li>
 *   <li><b>Weighted average</b>: mean weighted by support (weighted recall therefore equals accuracy).</li>
 *   <li><b>Confusion matrix</b>: {@code long[true][predicted]}.</li>
 *   <li><b>Log loss</b>: mean of {@code -ln p(true class)}, with p clipped to {@code [1e-15, 1-1e-15]} as
 *       sklearn did, so one confidently wrong zero gives 34.54 instead of infinity.</li>
 *   <li><b>MCC</b>: the multiclass Matthews correlation (sklearn's {@code matthews_corrcoef}); 0 when a
 *       denominator term is 0 (e.g. the model always predicts one class).</li>
 *   <li><b>ROC AUC</b> (two classes only; positive class = index 1, score = its probability): the
 *       Mann-Whitney statistic with average ranks, i.e. the probability that a random positive scores above
 *       a random negative, ties counting one half. Undefined (empty) when either class is absent.</li>
 *   <li><b>ECE</b> (expected calibration error): confidences are put in M equal-width bins
 *       {@code (i/M, (i+1)/M]} (right-closed; bin 0 also takes 0; a float within 1e-7 of an edge counts as
 *       on it, so 0.8f is in (0.7, 0.8]); ECE is
 *       {@code sum_b (n_b/n) |accuracy_b - mean confidence_b|}. Low ECE means "90% confident" is right
 *       about 90% of the time.</li>
 * </ul>
 *
 * <h2>JSON schema {@code tl.eval/1}</h2>
 * {@link #toJson()} returns nested {@code LinkedHashMap}s, {@code List}s and boxed numbers only, in a fixed
 * key order, so {@code new ObjectMapper().writeValueAsString(eval.toJson())} is stable. Keys
 * (also in {@code docs/eval-json-schema.md}):
 * <pre>
 * schema            "tl.eval/1"
 * n                 number of samples (int)
 * classes           [class name, ...] in index order
 * accuracy          fraction correct
 * accuracy_ci95     [low, high] bootstrap percentile interval
 * top_k             {"1": acc, "3": ..., "5": ...}  k in {1,3,5} below the class count, plus extras asked for
 * macro             {"precision", "recall", "f1"}
 * weighted          {"precision", "recall", "f1"}
 * macro_f1_ci95     [low, high]
 * bootstrap         {"resamples": int, "seed": long}
 * per_class         [{"class", "precision", "recall", "f1", "support"}, ...] in index order
 * confusion_matrix  [[count, ...], ...]  rows = true class, columns = predicted
 * log_loss          mean negative log-likelihood (natural log)
 * mcc               Matthews correlation coefficient
 * roc_auc           only for 2 classes with both present; key absent otherwise
 * ece               expected calibration error, 10 bins
 * calibration_bins  [{"lower", "upper", "count", "mean_confidence", "accuracy"}, ...]  10 bins;
 *                   mean_confidence and accuracy are null for an empty bin
 * most_confident_wrong [{"index", "id", "true", "predicted", "confidence"}, ...]  up to 10
 * warnings          [string, ...]  possibly empty
 * </pre>
 * Consumers should ignore unknown keys; a key is never renamed or given a new meaning without bumping the
 * schema version.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Evaluation {

    /** sklearn's historical log-loss clip. */
    static final double LOG_LOSS_EPS = 1e-15;
    /** Rows must sum to 1 within this; catches logits or unnormalized scores passed by mistake. */
    static final double ROW_SUM_TOLERANCE = 1e-3;
    /** Below this many samples the summary and JSON carry a warning about sampling noise. */
    public static final int SMALL_SAMPLE = 1000;
    public static final int DEFAULT_CALIBRATION_BINS = 10;
    static final int JSON_WRONG_LIST = 10;
    /**
     * A confidence within this of a bin edge counts as on the edge: probabilities arrive as floats, whose
     * rounding (at most 6e-8 in [0,1]) must not move a 0.8 into the bin above.
     */
    static final double EDGE_SLACK = 1e-7;
    private static final int[] DEFAULT_TOP_K = {1, 3, 5};

    /** Precision, recall, F1 and support of one class. */
    public record ClassMetrics(String name, double precision, double recall, double f1, long support) {}

    /** An average of the per-class metrics. */
    public record Averages(double precision, double recall, double f1) {}

    /**
     * One confidence bin of a reliability diagram; {@code meanConfidence} and {@code accuracy} are NaN when
     * {@code count == 0} (null in JSON).
     */
    public record CalibrationBin(double lower, double upper, long count, double meanConfidence, double accuracy) {}

    /**
     * A wrong prediction: {@code index} is the row, {@code id} the caller's id for it (a file name) or
     * {@code "#index"} when no ids were given; {@code confidence} is the probability of the predicted class.
     */
    public record Mistake(int index, String id, String trueClass, String predictedClass, double confidence) {}

    private final List<String> classNames;
    private final int[] truth;
    private final float[][] probabilities;
    private final String[] ids;
    private final int[] predicted;
    private final long[][] confusion;
    private final long[] truthCount;
    private final long[] predCount;
    private final long[] truePositives;

    /** Same as {@link #Evaluation(List, int[], float[][], String[])} without ids. */
    public Evaluation(List<String> classNames, int[] truth, float[][] probabilities) {
        this(classNames, truth, probabilities, null);
    }

    /**
     * @param classNames    at least two names, index = class index
     * @param truth         true class index of each sample
     * @param probabilities one row per sample, one column per class, each row in [0,1] summing to 1
     *                      (within 1e-3); arrays are copied
     * @param ids           optional (may be null) id of each sample, e.g. its file name
     * @throws IllegalArgumentException on empty input, mismatched lengths, a class index out of range, or a
     *                                  row that is not a probability distribution
     */
    public Evaluation(List<String> classNames, int[] truth, float[][] probabilities, String[] ids) {
        Objects.requireNonNull(classNames, "classNames");
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(probabilities, "probabilities");
        int c = classNames.size();
        if (c < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + c);
        }
        int n = truth.length;
        if (n == 0) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        if (probabilities.length != n) {
            throw new IllegalArgumentException(
                    "truth has " + n + " samples but probabilities has " + probabilities.length + " rows");
        }
        if (ids != null && ids.length != n) {
            throw new IllegalArgumentException("truth has " + n + " samples but ids has " + ids.length);
        }
        this.classNames = List.copyOf(classNames);
        this.truth = truth.clone();
        this.probabilities = new float[n][];
        this.ids = ids == null ? null : ids.clone();
        this.predicted = new int[n];
        for (int i = 0; i < n; i++) {
            float[] row = probabilities[i];
            if (row == null || row.length != c) {
                throw new IllegalArgumentException("row " + i + " has " + (row == null ? 0 : row.length)
                        + " probabilities, expected " + c);
            }
            if (truth[i] < 0 || truth[i] >= c) {
                throw new IllegalArgumentException("truth[" + i + "] = " + truth[i] + " is not a class index 0.."
                        + (c - 1));
            }
            double sum = 0;
            int best = 0;
            for (int j = 0; j < c; j++) {
                float p = row[j];
                if (!(p >= 0f && p <= 1f)) {
                    throw new IllegalArgumentException("row " + i + " column " + j + ": " + p
                            + " is not a probability (pass softmax outputs, not logits)");
                }
                sum += p;
                if (p > row[best]) {
                    best = j;
                }
            }
            if (Math.abs(sum - 1.0) > ROW_SUM_TOLERANCE) {
                throw new IllegalArgumentException("row " + i + " sums to " + sum + ", not 1");
            }
            this.probabilities[i] = row.clone();
            predicted[i] = best;
        }
        confusion = new long[c][c];
        truthCount = new long[c];
        predCount = new long[c];
        truePositives = new long[c];
        for (int i = 0; i < n; i++) {
            confusion[truth[i]][predicted[i]]++;
            truthCount[truth[i]]++;
            predCount[predicted[i]]++;
            if (truth[i] == predicted[i]) {
                truePositives[truth[i]]++;
            }
        }
    }

    // ---- basic accessors ----------------------------------------------------------------------------------

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Number of samples. */
    public int size() {
        return truth.length;
    }

    /** Predicted class of each sample (arg-max, ties to the lower index); a copy. */
    public int[] predictions() {
        return predicted.clone();
    }

    int[] truthView() {
        return truth;
    }

    int[] predictedView() {
        return predicted;
    }

    // ---- accuracy -----------------------------------------------------------------------------------------

    public double accuracy() {
        long correct = 0;
        for (long tp : truePositives) {
            correct += tp;
        }
        return (double) correct / size();
    }

    /**
     * Fraction of samples whose true class is among the k most probable. k is capped at the class count
     * (the answer is then 1.0) so a fixed {@code --top-k 5} never fails on a 3-class problem.
     *
     * @throws IllegalArgumentException if k &lt; 1
     */
    public double topKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        int c = numClasses();
        if (k >= c) {
            return 1.0;
        }
        long hits = 0;
        for (int i = 0; i < size(); i++) {
            float[] row = probabilities[i];
            int t = truth[i];
            float pt = row[t];
            // rank of the true class = number of classes ordered before it (higher p, or equal p and lower index)
            int rank = 0;
            for (int j = 0; j < c && rank < k; j++) {
                if (row[j] > pt || (row[j] == pt && j < t)) {
                    rank++;
                }
            }
            if (rank < k) {
                hits++;
            }
        }
        return (double) hits / size();
    }

    // ---- per-class and averages ---------------------------------------------------------------------------

    /** Per-class metrics in class-index order. */
    public List<ClassMetrics> perClass() {
        List<ClassMetrics> out = new ArrayList<>(numClasses());
        for (int k = 0; k < numClasses(); k++) {
            double p = ratio(truePositives[k], predCount[k]);
            double r = ratio(truePositives[k], truthCount[k]);
            out.add(new ClassMetrics(classNames.get(k), p, r, f1(p, r), truthCount[k]));
        }
        return out;
    }

    /** Unweighted mean over classes present in the truth or the predictions (see class doc). */
    public Averages macro() {
        double p = 0, r = 0, f = 0;
        int m = 0;
        List<ClassMetrics> pc = perClass();
        for (int k = 0; k < pc.size(); k++) {
            if (truthCount[k] == 0 && predCount[k] == 0) {
                continue;
            }
            ClassMetrics cm = pc.get(k);
            p += cm.precision();
            r += cm.recall();
            f += cm.f1();
            m++;
        }
        return new Averages(p / m, r / m, f / m); // m >= 1 because n >= 1
    }

    /** Mean weighted by support. */
    public Averages weighted() {
        double p = 0, r = 0, f = 0;
        for (ClassMetrics cm : perClass()) {
            p += cm.support() * cm.precision();
            r += cm.support() * cm.recall();
            f += cm.support() * cm.f1();
        }
        int n = size();
        return new Averages(p / n, r / n, f / n);
    }

    /** Macro-F1 from counts; shared with {@link Bootstrap} so both use one definition. */
    static double macroF1(long[] tp, long[] truthCount, long[] predCount) {
        double sum = 0;
        int m = 0;
        for (int k = 0; k < tp.length; k++) {
            if (truthCount[k] == 0 && predCount[k] == 0) {
                continue;
            }
            sum += f1(ratio(tp[k], predCount[k]), ratio(tp[k], truthCount[k]));
            m++;
        }
        return m == 0 ? 0 : sum / m;
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    /** Rows = true class, columns = predicted class; a copy. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    // ---- probabilistic metrics ----------------------------------------------------------------------------

    /** Mean {@code -ln p(true)}, p clipped to [1e-15, 1-1e-15]. */
    public double logLoss() {
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            double p = probabilities[i][truth[i]];
            p = Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
            sum -= Math.log(p);
        }
        return sum / size();
    }

    /** Multiclass Matthews correlation coefficient as sklearn's {@code matthews_corrcoef}. */
    public double mcc() {
        double s = size();
        double c = 0, tp = 0, pp = 0, tt = 0;
        for (int k = 0; k < numClasses(); k++) {
            c += truePositives[k];
            tp += (double) truthCount[k] * predCount[k];
            pp += (double) predCount[k] * predCount[k];
            tt += (double) truthCount[k] * truthCount[k];
        }
        double covYtYp = c * s - tp;
        double covYpYp = s * s - pp;
        double covYtYt = s * s - tt;
        if (covYpYp * covYtYt == 0) {
            return 0.0;
        }
        return covYtYp / Math.sqrt(covYtYt * covYpYp);
    }

    /**
     * ROC AUC for a two-class problem, positive class index 1; empty for more classes or when the truth
     * holds only one class (AUC is then undefined, as sklearn raises).
     */
    public OptionalDouble rocAuc() {
        if (numClasses() != 2 || truthCount[0] == 0 || truthCount[1] == 0) {
            return OptionalDouble.empty();
        }
        int n = size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> probabilities[i][1]));
        // average 1-based ranks over runs of equal scores, summed over positives
        double rankSumPos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            float s = probabilities[order[i]][1];
            while (j + 1 < n && probabilities[order[j + 1]][1] == s) {
                j++;
            }
            double avgRank = (i + 1 + j + 1) / 2.0;
            for (int q = i; q <= j; q++) {
                if (truth[order[q]] == 1) {
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        double nPos = truthCount[1], nNeg = truthCount[0];
        return OptionalDouble.of((rankSumPos - nPos * (nPos + 1) / 2) / (nPos * nNeg));
    }

    // ---- calibration --------------------------------------------------------------------------------------

    /** Confidence (probability of the predicted class) of sample i. */
    private double confidence(int i) {
        return probabilities[i][predicted[i]];
    }

    /** {@link #calibrationBins(int)} with 10 bins. */
    public List<CalibrationBin> calibrationBins() {
        return calibrationBins(DEFAULT_CALIBRATION_BINS);
    }

    /** Equal-width right-closed confidence bins {@code (i/M, (i+1)/M]}, all M of them (empty ones too). */
    public List<CalibrationBin> calibrationBins(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least 1 calibration bin, got " + bins);
        }
        long[] count = new long[bins];
        long[] correct = new long[bins];
        double[] confSum = new double[bins];
        for (int i = 0; i < size(); i++) {
            double conf = confidence(i);
            // EDGE_SLACK: float 0.8f is 0.800000012; without slack it would land in (0.8, 0.9]
            int b = (int) Math.ceil((conf - EDGE_SLACK) * bins) - 1;
            b = Math.max(0, Math.min(bins - 1, b));
            count[b]++;
            confSum[b] += conf;
            if (predicted[i] == truth[i]) {
                correct[b]++;
            }
        }
        List<CalibrationBin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            double mean = count[b] == 0 ? Double.NaN : confSum[b] / count[b];
            double acc = count[b] == 0 ? Double.NaN : (double) correct[b] / count[b];
            out.add(new CalibrationBin((double) b / bins, (double) (b + 1) / bins, count[b], mean, acc));
        }
        return out;
    }

    /** ECE with 10 bins. */
    public double expectedCalibrationError() {
        return expectedCalibrationError(DEFAULT_CALIBRATION_BINS);
    }

    public double expectedCalibrationError(int bins) {
        double ece = 0;
        for (CalibrationBin b : calibrationBins(bins)) {
            if (b.count() > 0) {
                ece += (double) b.count() / size() * Math.abs(b.accuracy() - b.meanConfidence());
            }
        }
        return ece;
    }

    // ---- mistakes and warnings ----------------------------------------------------------------------------

    /**
     * The wrong predictions made with the highest confidence, most confident first (ties: lower index first).
     * These are the first images to look at: often mislabeled data, or a systematic confusion.
     */
    public List<Mistake> mostConfidentlyWrong(int topN) {
        if (topN < 0) {
            throw new IllegalArgumentException("topN must be >= 0, got " + topN);
        }
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (predicted[i] != truth[i]) {
                wrong.add(i);
            }
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -confidence(i)).thenComparingInt(i -> i));
        List<Mistake> out = new ArrayList<>();
        for (int i : wrong.subList(0, Math.min(topN, wrong.size()))) {
            out.add(new Mistake(i, ids == null ? "#" + i : ids[i], classNames.get(truth[i]),
                    classNames.get(predicted[i]), confidence(i)));
        }
        return out;
    }

    /**
     * For fewer than {@value #SMALL_SAMPLE} samples: how much one sample moves accuracy, e.g.
     * {@code "153 images: one image moves accuracy by 0.65 points"}, so nobody celebrates a 0.5-point gain.
     */
    public static Optional<String> smallSampleWarning(int n) {
        if (n <= 0 || n >= SMALL_SAMPLE) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%d image%s: one image moves accuracy by %.2f points",
                n, n == 1 ? "" : "s", 100.0 / n));
    }

    /** Caveats a reader should see next to the numbers: small sample, absent classes, undefined AUC. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        smallSampleWarning(size()).ifPresent(w::add);
        for (int k = 0; k < numClasses(); k++) {
            if (truthCount[k] == 0) {
                w.add("class '" + classNames.get(k) + "' has no images in the evaluation set: its recall is 0 by "
                        + "convention" + (predCount[k] == 0 ? " and it is left out of the macro average"
                        : ", and it was predicted " + predCount[k] + " time(s)"));
            }
        }
        if (numClasses() == 2 && rocAuc().isEmpty()) {
            w.add("roc_auc is undefined: the evaluation set holds only one class");
        }
        return w;
    }

    // ---- reports ------------------------------------------------------------------------------------------

    /** {@link #toJson(Bootstrap.Result, int...)} with the default bootstrap (1000 resamples, fixed seed). */
    public Map<String, Object> toJson() {
        return toJson(new Bootstrap(Bootstrap.DEFAULT_SEED).run(this));
    }

    /**
     * The {@code tl.eval/1} tree described in the class Javadoc.
     *
     * @param ci         bootstrap intervals computed on this evaluation
     * @param extraTopK  additional k values for {@code top_k} (capped at the class count)
     */
    public Map<String, Object> toJson(Bootstrap.Result ci, int... extraTopK) {
        Objects.requireNonNull(ci, "ci");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "tl.eval/1");
        m.put("n", size());
        m.put("classes", classNames);
        m.put("accuracy", accuracy());
        m.put("accuracy_ci95", List.of(ci.accuracy().low(), ci.accuracy().high()));
        Map<String, Object> topK = new LinkedHashMap<>();
        for (int k : topKs(extraTopK)) {
            topK.put(Integer.toString(k), topKAccuracy(k));
        }
        m.put("top_k", topK);
        m.put("macro", averagesJson(macro()));
        m.put("weighted", averagesJson(weighted()));
        m.put("macro_f1_ci95", List.of(ci.macroF1().low(), ci.macroF1().high()));
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("resamples", ci.resamples());
        boot.put("seed", ci.seed());
        m.put("bootstrap", boot);
        List<Object> pc = new ArrayList<>();
        for (ClassMetrics cm : perClass()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class", cm.name());
            e.put("precision", cm.precision());
            e.put("recall", cm.recall());
            e.put("f1", cm.f1());
            e.put("support", cm.support());
            pc.add(e);
        }
        m.put("per_class", pc);
        List<Object> cmRows = new ArrayList<>();
        for (long[] row : confusion) {
            List<Long> r = new ArrayList<>(row.length);
            for (long v : row) {
                r.add(v);
            }
            cmRows.add(r);
        }
        m.put("confusion_matrix", cmRows);
        m.put("log_loss", logLoss());
        m.put("mcc", mcc());
        OptionalDouble auc = rocAuc();
        if (auc.isPresent()) {
            m.put("roc_auc", auc.getAsDouble());
        }
        m.put("ece", expectedCalibrationError());
        List<Object> bins = new ArrayList<>();
        for (CalibrationBin b : calibrationBins()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lower", b.lower());
            e.put("upper", b.upper());
            e.put("count", b.count());
            e.put("mean_confidence", b.count() == 0 ? null : b.meanConfidence());
            e.put("accuracy", b.count() == 0 ? null : b.accuracy());
            bins.add(e);
        }
        m.put("calibration_bins", bins);
        List<Object> wrong = new ArrayList<>();
        for (Mistake x : mostConfidentlyWrong(JSON_WRONG_LIST)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", x.index());
            e.put("id", x.id());
            e.put("true", x.trueClass());
            e.put("predicted", x.predictedClass());
            e.put("confidence", x.confidence());
            wrong.add(e);
        }
        m.put("most_confident_wrong", wrong);
        m.put("warnings", warnings());
        return Collections.unmodifiableMap(m);
    }

    private int[] topKs(int[] extra) {
        java.util.TreeSet<Integer> ks = new java.util.TreeSet<>();
        for (int k : DEFAULT_TOP_K) {
            if (k == 1 || k < numClasses()) {
                ks.add(k);
            }
        }
        for (int k : extra) {
            if (k < 1) {
                throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
            }
            ks.add(Math.min(k, numClasses()));
        }
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Map<String, Object> averagesJson(Averages a) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("precision", a.precision());
        e.put("recall", a.recall());
        e.put("f1", a.f1());
        return e;
    }

    /** {@link #summary(Bootstrap.Result)} with the default bootstrap. */
    public String summary() {
        return summary(new Bootstrap(Bootstrap.DEFAULT_SEED).run(this));
    }

    /**
     * A short terminal report: headline with 95% intervals, a per-class table and the confusion matrix.
     * Large problems are trimmed so it stays a screenful: more than 15 classes shows only the 10 lowest-F1
     * classes and no matrix (everything is in the JSON). Names are cut to 20 characters (8 in the matrix
     * header).
     */
    public String summary(Bootstrap.Result ci) {
        StringBuilder sb = new StringBuilder();
        Averages macro = macro();
        sb.append(String.format(Locale.ROOT, "n=%d  accuracy %.4f [%.4f, %.4f]  macro-F1 %.4f [%.4f, %.4f]  (95%% CI)%n",
                size(), accuracy(), ci.accuracy().low(), ci.accuracy().high(),
                macro.f1(), ci.macroF1().low(), ci.macroF1().high()));
        List<ClassMetrics> pc = perClass();
        List<Integer> shown = new ArrayList<>();
        for (int k = 0; k < pc.size(); k++) {
            shown.add(k);
        }
        boolean trimmed = pc.size() > SUMMARY_ALL_CLASSES;
        if (trimmed) {
            shown.sort(Comparator.comparingDouble((Integer k) -> pc.get(k).f1()).thenComparingInt(k -> k));
            shown = shown.subList(0, SUMMARY_WORST);
        }
        int w = 5;
        for (int k : shown) {
            w = Math.max(w, clip(pc.get(k).name(), NAME_WIDTH).length());
        }
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  %6s %6s %6s %7s%n", "class", "prec", "recall", "f1",
                "support"));
        for (int k : shown) {
            ClassMetrics cm = pc.get(k);
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %6.3f %6.3f %6.3f %7d%n", clip(cm.name(), NAME_WIDTH),
                    cm.precision(), cm.recall(), cm.f1(), cm.support()));
        }
        if (trimmed) {
            sb.append(String.format(Locale.ROOT, "(%d lowest-F1 of %d classes; all in the JSON report)%n",
                    SUMMARY_WORST, pc.size()));
        } else {
            sb.append("confusion (rows = true, columns = predicted):\n");
            int cw = 1;
            for (long[] row : confusion) {
                for (long v : row) {
                    cw = Math.max(cw, Long.toString(v).length());
                }
            }
            for (String name : classNames) {
                cw = Math.max(cw, clip(name, MATRIX_HEADER_WIDTH).length());
            }
            sb.append(" ".repeat(w));
            for (String name : classNames) {
                sb.append(String.format(Locale.ROOT, " %" + cw + "s", clip(name, MATRIX_HEADER_WIDTH)));
            }
            sb.append('\n');
            for (int k = 0; k < numClasses(); k++) {
                sb.append(String.format(Locale.ROOT, "%-" + w + "s", clip(classNames.get(k), NAME_WIDTH)));
                for (long v : confusion[k]) {
                    sb.append(String.format(Locale.ROOT, " %" + cw + "d", v));
                }
                sb.append('\n');
            }
        }
        for (String warning : warnings()) {
            sb.append("warning: ").append(warning).append('\n');
        }
        return sb.toString();
    }

    private static final int SUMMARY_ALL_CLASSES = 15;
    private static final int SUMMARY_WORST = 10;
    private static final int NAME_WIDTH = 20;
    private static final int MATRIX_HEADER_WIDTH = 8;

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }
}
