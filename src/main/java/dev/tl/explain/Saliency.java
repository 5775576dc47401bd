package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.model.ClassObjective.Score;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Input-gradient saliency (Simonyan et al., 2014): per pixel, {@code max over R, G, B of |d logit_c / d pixel|},
 * the pixel-space gradient (the chain rule through {@link Preprocessing}), so channels with a different
 * normalization compare fairly.
 *
 * <p>Optionally SmoothGrad (Smilkov et al., 2017): the gradient is averaged over {@code samples} copies of
 * the image with Gaussian pixel noise of standard deviation {@code noise} (in 0..255 units; the paper's 10-20%
 * of the range is 25-50) before taking the absolute value. Plain gradients of deep ReLU nets are speckled;
 * the average keeps what is stable under small perturbations. The noisy copies go through in one batch.
 */
public final class Saliency {
    private final InputGradients gradients;
    private final Preprocessing p;

    public Saliency(ComputationGraph model, Preprocessing p) {
        this.gradients = InputGradients.of(model);
        this.p = p;
    }

    public Saliency(InputGradients gradients, Preprocessing p) {
        this.gradients = gradients;
        this.p = p;
    }

    /** Plain saliency of class {@code cls} for the image with pixels {@code rgb}: {@code [H * W]}, row-major. */
    public double[] map(double[] rgb, int cls) {
        return map(rgb, cls, 0, 0, 0);
    }

    /** SmoothGrad with {@code samples} noisy copies (0 = plain gradient). */
    public double[] map(double[] rgb, int cls, int samples, double noise, long seed) {
        double[] g;
        if (samples <= 0) {
            g = Pixels.toPixelGradient(gradients.gradient(Pixels.toInput(rgb, p), new int[]{cls}, Score.LOGIT).gradient(), p);
        } else {
            Random r = new Random(seed);
            INDArray[] xs = new INDArray[samples];
            for (int s = 0; s < samples; s++) {
                double[] noisy = rgb.clone();
                for (int i = 0; i < noisy.length; i++) noisy[i] += r.nextGaussian() * noise;
                xs[s] = Pixels.toInput(noisy, p);
            }
            int[] classes = new int[samples];
            java.util.Arrays.fill(classes, cls);
            INDArray grads = gradients.gradient(Nd4j.concat(0, xs), classes, Score.LOGIT).gradient();
            g = new double[rgb.length];
            for (int s = 0; s < samples; s++) {
                double[] gs = Pixels.toPixelGradient(grads, s, p);
                for (int i = 0; i < g.length; i++) g[i] += gs[i] / samples;
            }
        }
        int n = p.height() * p.width();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.max(Math.abs(g[i * 3]), Math.max(Math.abs(g[i * 3 + 1]), Math.abs(g[i * 3 + 2])));
        return out;
    }
}
