package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.model.ClassObjective.Score;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The image a classifier finds most typical of a class ("class model visualisation", Simonyan et al., 2014,
 * with the total-variation prior of Mahendran and Vedaldi, 2015): gradient ascent in pixel space on the class
 * logit, with a total-variation penalty, starting from low-amplitude noise around the image the network sees
 * as zero (the dataset mean). Each step is
 *
 * <pre>v += lr * ( g / mean|g|  -  tv * t / mean|t| ),   g = d logit_c / d v,  t = d TV / d v</pre>
 *
 * then clipped to 0..255.
 *
 * <ul>
 *   <li>The logit, not the log-probability, as Simonyan et al. do: on ResNet50 the probability of a class
 *       reaches 0.99 within about five steps from noise (measured), long before the image shows anything;
 *       the log-probability's gradient then vanishes and only the penalty acts. The logit keeps rewarding more
 *       evidence for the class. The probability still rises (tests check it) and is what we report.</li>
 *   <li>Pixels, not network inputs, are optimised (the chain rule through {@link Preprocessing},
 *       {@link Pixels#toPixelGradient}), so the step, the penalty and the clipping mean the same for every
 *       backbone.</li>
 *   <li>Both gradients are divided by their mean absolute value (DeepDream's normalised ascent): every pixel
 *       moves by about {@code lr} levels per step whatever the model's gradient scale (ResNet50's logit
 *       gradient is about 3e-4 per level, the tiny test model's orders of magnitude larger), and {@code tv}
 *       is the smoothing's pull relative to the class's (1 = as strong), the same for every model.</li>
 *   <li>Jitter: the gradient is taken on the image rolled by up to {@code jitter} pixels (a new random shift
 *       each step) and rolled back, which discourages patterns tied to exact pixel positions (adversarial
 *       high-frequency noise) in favour of shapes.</li>
 * </ul>
 * The result is an 8-bit image; the probabilities reported are those of the 8-bit images as the network
 * sees them at its input size (no resize or crop).
 */
public final class Dream {
    private final InputGradients gradients;
    private final Preprocessing p;

    public Dream(ComputationGraph model, Preprocessing p) {
        this.gradients = InputGradients.of(model);
        this.p = p;
    }

    /**
     * @param steps      gradient steps
     * @param tv         strength of the total-variation ({@link TotalVariation}) step relative to the class step
     * @param lr         mean change per pixel per step, in levels (0..255)
     * @param jitter     largest random shift per step, in pixels (0 = none)
     * @param seed       of the start noise and the jitter
     * @param startNoise standard deviation of the start noise, in levels
     * @param snapshots  images kept for the strip of intermediate steps (start and end included)
     */
    public record Settings(int steps, double tv, double lr, int jitter, long seed, double startNoise, int snapshots) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            if (!(tv >= 0)) throw new IllegalArgumentException("tv weight must be >= 0, got " + tv);
            if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
            if (jitter < 0) throw new IllegalArgumentException("jitter must be >= 0, got " + jitter);
            if (snapshots < 2) throw new IllegalArgumentException("snapshots must be at least 2, got " + snapshots);
        }
    }

    /** An image on the way, with the probability of the target class for it. */
    public record Snapshot(int step, double[] rgb, double probability) {}

    /**
     * @param image     final 8-bit image (values are whole numbers 0..255)
     * @param start     probability of the class for the start image
     * @param end       probability of the class for {@code image}
     * @param snapshots start, intermediate steps, end
     * @param trace     probability of the class at each step's (jittered, unrounded) image
     */
    public record Outcome(double[] image, double start, double end, List<Snapshot> snapshots, double[] trace, double seconds) {}

    /** Progress: after each step. */
    @FunctionalInterface
    public interface Listener {
        void step(int step, int steps, double probability, double tvValue);
    }

    /** The start image: {@code startNoise}-level Gaussian noise around the zero-input pixel. */
    public double[] start(Settings s) {
        Random r = new Random(s.seed());
        double[] zero = Pixels.zeroPixel(p);
        double[] v = new double[p.height() * p.width() * 3];
        for (int i = 0; i < v.length; i++) v[i] = clip(zero[i % 3] + r.nextGaussian() * s.startNoise());
        return quantize(v);
    }

    public Outcome run(int cls, Settings s, Listener listener) {
        long t0 = System.nanoTime();
        int h = p.height(), w = p.width();
        Random r = new Random(s.seed() * 31 + 17);
        double[] v = start(s);
        double startP = probability(v, cls);
        List<Snapshot> snaps = new ArrayList<>();
        snaps.add(new Snapshot(0, v.clone(), startP));
        java.util.Set<Integer> at = new java.util.TreeSet<>();
        for (int k = 1; k < s.snapshots() - 1; k++) at.add((int) Math.round((double) k * s.steps() / (s.snapshots() - 1)));
        double[] trace = new double[s.steps()];
        for (int step = 1; step <= s.steps(); step++) {
            int dx = s.jitter() == 0 ? 0 : r.nextInt(2 * s.jitter() + 1) - s.jitter();
            int dy = s.jitter() == 0 ? 0 : r.nextInt(2 * s.jitter() + 1) - s.jitter();
            double[] rolled = roll(v, h, w, dy, dx);
            InputGradients.Result res = gradients.gradient(Pixels.toInput(rolled, p), new int[]{cls}, Score.LOGIT);
            double[] g = roll(Pixels.toPixelGradient(res.gradient(), p), h, w, -dy, -dx);
            double tvValue = TotalVariation.value(v, h, w, 3);
            double gm = meanAbs(g);
            if (gm > 0) for (int i = 0; i < g.length; i++) g[i] /= gm;
            if (s.tv() > 0) {
                double[] gtv = TotalVariation.gradient(v, h, w, 3);
                double tm = meanAbs(gtv);
                if (tm > 0) for (int i = 0; i < g.length; i++) g[i] -= s.tv() * gtv[i] / tm;
            }
            for (int i = 0; i < v.length; i++) v[i] = clip(v[i] + s.lr() * g[i]);
            double pj = res.probabilities().getDouble(0, cls);
            trace[step - 1] = pj;
            if (at.contains(step)) {
                double[] q = quantize(v);
                snaps.add(new Snapshot(step, q, probability(q, cls)));
            }
            if (listener != null) listener.step(step, s.steps(), pj, tvValue);
        }
        double[] last = quantize(v);
        double endP = probability(last, cls);
        snaps.add(new Snapshot(s.steps(), last, endP));
        return new Outcome(last, startP, endP, snaps, trace, (System.nanoTime() - t0) / 1e9);
    }

    /** Probability of {@code cls} for an image as the network sees it. */
    public double probability(double[] rgb, int cls) {
        return gradients.probabilities(Pixels.toInput(rgb, p)).getDouble(0, cls);
    }

    /** Shifted by (dy, dx) with wrap-around: out[y][x] = in[y - dy][x - dx]. */
    static double[] roll(double[] v, int h, int w, int dy, int dx) {
        if (dx == 0 && dy == 0) return v.clone();
        double[] out = new double[v.length];
        for (int y = 0; y < h; y++) {
            int sy = Math.floorMod(y - dy, h);
            for (int x = 0; x < w; x++) {
                int sx = Math.floorMod(x - dx, w);
                System.arraycopy(v, (sy * w + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return out;
    }

    private static double meanAbs(double[] g) {
        double m = 0;
        for (double x : g) m += Math.abs(x);
        return m / g.length;
    }

    private static double clip(double x) {
        return Math.max(0, Math.min(255, x));
    }

    private static double[] quantize(double[] v) {
        double[] q = new double[v.length];
        for (int i = 0; i < v.length; i++) q[i] = Pixels.to8(v[i]);
        return q;
    }
}
