package dev.tl.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded bootstrap percentile intervals for accuracy and macro-F1.
 *
 * <p>Why: on a few hundred images, two runs that differ by a point of accuracy are usually
 * indistinguishable. Resampling the evaluation set with replacement shows how far the number would move on
 * another set of the same size from the same distribution. It only captures sampling noise of the
 * evaluation set (not training randomness), and percentile intervals are approximate for small n or for
 * values near 0 or 1; it is a guide, not a test.
 *
 * <p>Each resample draws n rows with replacement (n = evaluation size) and recomputes the metric from the
 * fixed predictions; the 95% interval is the 2.5th and 97.5th percentile of the resampled values, with
 * linear interpolation between order statistics (numpy's default). The same seed, resample count and
 * evaluation always give the same interval ({@link SplittableRandom} is specified exactly).
 */
public final class Bootstrap {

    public static final int DEFAULT_RESAMPLES = 1000;
    /** Seed of the default bootstrap in reports, fixed so a report is reproducible. */
    public static final long DEFAULT_SEED = 42L;

    /** A closed interval {@code [low, high]}. */
    public record Interval(double low, double high) {
        public Interval {
            if (!(low <= high)) {
                throw new IllegalArgumentException("interval low " + low + " > high " + high);
            }
        }

        public boolean contains(double x) {
            return low <= x && x <= high;
        }

        public double width() {
            return high - low;
        }
    }

    /** The intervals of one bootstrap run, with the settings that reproduce it. */
    public record Result(Interval accuracy, Interval macroF1, int resamples, long seed) {}

    private final int resamples;
    private final long seed;

    /** 1000 resamples with the given seed. */
    public Bootstrap(long seed) {
        this(DEFAULT_RESAMPLES, seed);
    }

    public Bootstrap(int resamples, long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("need at least 1 bootstrap resample, got " + resamples);
        }
        this.resamples = resamples;
        this.seed = seed;
    }

    /** Both intervals from one set of resamples (so they describe the same resampled sets). */
    public Result run(Evaluation eval) {
        int[] truth = eval.truthView();
        int[] pred = eval.predictedView();
        int n = truth.length;
        int c = eval.numClasses();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] acc = new double[resamples];
        double[] mf1 = new double[resamples];
        long[] tp = new long[c];
        long[] tc = new long[c];
        long[] pc = new long[c];
        for (int r = 0; r < resamples; r++) {
            Arrays.fill(tp, 0);
            Arrays.fill(tc, 0);
            Arrays.fill(pc, 0);
            long correct = 0;
            for (int d = 0; d < n; d++) {
                int i = rng.nextInt(n);
                tc[truth[i]]++;
                pc[pred[i]]++;
                if (truth[i] == pred[i]) {
                    tp[truth[i]]++;
                    correct++;
                }
            }
            acc[r] = (double) correct / n;
            mf1[r] = Evaluation.macroF1(tp, tc, pc);
        }
        return new Result(percentileInterval(acc), percentileInterval(mf1), resamples, seed);
    }

    /** Accuracy interval; see {@link #run}. */
    public Interval accuracy(Evaluation eval) {
        return run(eval).accuracy();
    }

    /** Macro-F1 interval; see {@link #run}. */
    public Interval macroF1(Evaluation eval) {
        return run(eval).macroF1();
    }

    static Interval percentileInterval(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new Interval(quantile(v, 0.025), quantile(v, 0.975));
    }

    /** Linear-interpolation quantile of sorted values (numpy's default "linear" method). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }
}
