package dev.tl.explain;

import dev.tl.model.ClassObjective.Score;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A targeted adversarial attack: the smallest L-infinity change of an image's pixels (found on a schedule of
 * budgets) that makes the model predict a chosen class with a chosen confidence.
 *
 * <p>For each budget {@code eps} (in 8-bit pixel levels: 1, 2, 3, 4, 6, 8, 12, 16, ... up to the maximum)
 * it runs projected gradient ascent (iterative FGSM, "PGD" without random start) on
 * {@code log p(target | x)}: {@code x <- clip(x + (eps/4) * sign(d log p / d pixels))}, projected onto the
 * ball {@code |x - original| <= eps} and onto [0, 255]. Gradients come from {@link InputGradients} (the
 * model as it predicts) carried to pixels by {@link PixelSpace}. The first budget that works is the result.
 *
 * <p>"Works" is decided on the image a user would save: the iterate rounded to 8-bit integers, run through
 * the model again; it must be top-1 the target with probability {@code >= confidence}. The original pixels
 * are integers, so rounding never leaves the ball for an integer budget; budgets below one level cannot
 * change an 8-bit image, which is why the schedule starts at 1/255.
 *
 * <p>It works at the model's input resolution (the crop the preprocessing feeds the network).
 */
public final class Attack {
    private final ComputationGraph model;
    private final InputGradients gradients;
    private final PixelSpace space;

    public Attack(Classifier c) {
        this.model = c.graph();
        this.gradients = InputGradients.of(c.graph());
        this.space = new PixelSpace(c.preprocessing());
    }

    public PixelSpace space() {
        return space;
    }

    /**
     * @param target     class index to reach
     * @param maxLevels  largest budget, in pixel levels (>= 1)
     * @param confidence target probability required on the 8-bit image, in (0, 1)
     * @param steps      gradient steps per budget
     */
    public record Settings(int target, int maxLevels, double confidence, int steps) {
        public Settings {
            if (maxLevels < 1) throw new IllegalArgumentException("the budget must be at least 1 pixel level (1/255), got " + maxLevels);
            if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
            if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }

    /** One budget tried: its size, the steps taken and the target probability reached on the 8-bit image. */
    public record Trial(int epsLevels, int steps, double targetProbability, boolean success) {}

    /**
     * @param success     the 8-bit adversarial image is predicted as the target with the required confidence
     * @param adversarial 8-bit pixels (integers in floats) of the last budget tried (the successful one if any)
     * @param epsLevels   the budget of {@code adversarial}
     * @param steps       gradient steps over all budgets tried
     * @param before      probabilities of the original pixels
     * @param after       probabilities of the 8-bit adversarial pixels
     */
    public record Result(boolean success, float[] original, float[] adversarial, int epsLevels, int steps,
                         float[] before, float[] after, List<Trial> trials) {
        /** Largest change of one pixel value, in levels (at most {@code epsLevels}). */
        public double linf() {
            return PixelSpace.linf(original, adversarial);
        }

        /** Euclidean norm of the change, in levels. */
        public double l2() {
            return PixelSpace.l2(original, adversarial);
        }
    }

    /** Budgets 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, ... levels up to {@code max}, which is always included. */
    public static List<Integer> schedule(int max) {
        List<Integer> out = new ArrayList<>();
        for (int base = 1; base <= max; base *= 2) {
            out.add(base);
            int mid = base + base / 2;
            if (base >= 2 && mid <= max && mid < base * 2) out.add(mid);
        }
        if (out.isEmpty() || out.get(out.size() - 1) != max) out.add(max);
        return out.stream().distinct().sorted().toList();
    }

    /** Probabilities of pixel images, from the model itself (not the differentiable copy). */
    public float[] probabilities(float[] pixels) {
        INDArray p = model.outputSingle(false, space.input(pixels));
        return p.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
    }

    /**
     * Attacks {@code original} (interleaved RGB in 0..255 at the input resolution; rounded to integers
     * first). {@code progress} receives one line per budget tried.
     */
    public Result run(float[] original, Settings s, Consumer<String> progress) {
        if (original.length != space.size()) throw new IllegalArgumentException(original.length + " values, expected " + space.size());
        float[] orig = PixelSpace.quantize(original);
        float[] before = probabilities(orig);
        List<Trial> trials = new ArrayList<>();
        int total = 0;
        float[] last = orig;
        float[] lastProbs = before;
        int lastEps = 0;
        for (int eps : schedule(s.maxLevels())) {
            float[] x = orig.clone();
            float alpha = eps / 4f;
            float[] hit = null;
            float[] hitProbs = null;
            int k = 0;
            double best = -1;
            float[] bestQ = orig;
            float[] bestProbs = before;
            while (true) {
                InputGradients.Result r = k < s.steps() ? gradients.gradient(space.input(x), new int[]{s.target()}, Score.LOG_PROB) : null;
                double pFloat = r == null ? 1 : r.probabilities().getDouble(0, s.target());
                if (k > 0 && pFloat >= s.confidence()) { // worth checking the 8-bit image
                    float[] q = PixelSpace.quantize(x);
                    float[] pq = probabilities(q);
                    if (pq[s.target()] > best) {
                        best = pq[s.target()];
                        bestQ = q;
                        bestProbs = pq;
                    }
                    if (PixelSpace.argMax(pq) == s.target() && pq[s.target()] >= s.confidence()) {
                        hit = q;
                        hitProbs = pq;
                        break;
                    }
                }
                if (r == null) break;
                float[] g = space.pixelGradient(r.gradient(), 0);
                for (int i = 0; i < x.length; i++) {
                    float v = x[i] + (g[i] > 0 ? alpha : g[i] < 0 ? -alpha : 0);
                    v = Math.max(orig[i] - eps, Math.min(orig[i] + eps, v));
                    x[i] = Math.max(0, Math.min(255, v));
                }
                k++;
                total++;
            }
            boolean ok = hit != null;
            trials.add(new Trial(eps, k, ok ? hitProbs[s.target()] : Math.max(best, 0), ok));
            if (progress != null) {
                progress.accept(String.format(java.util.Locale.ROOT, "eps %d/255: %s after %d steps (target p = %.4f on the 8-bit image)",
                        eps, ok ? "reached" : "not reached", k, ok ? hitProbs[s.target()] : Math.max(best, 0)));
            }
            lastEps = eps;
            if (ok) return new Result(true, orig, hit, eps, total, before, hitProbs, trials);
            last = bestQ;
            lastProbs = bestProbs;
        }
        return new Result(false, orig, last, lastEps, total, before, lastProbs, trials);
    }
}
