package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.data.ImageTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The bridge between pixels and the network input for attacks: images as interleaved RGB floats in 0..255
 * at the model's input resolution ({@code [height][width][3]}, what {@link ImageTransform#evalPixels} gives),
 * and gradients carried back to them by the chain rule.
 *
 * <p>Why pixels: an attack budget such as "2/255" means two levels of an 8-bit image, whatever the model's
 * normalization. The network input is {@code (v * scale - mean[c]) / std[c]} in the preprocessing's channel
 * order, so {@code d/dpixel(c) = d/dinput(channelIndex(c)) * scale / std[channelIndex(c)]}.
 */
public final class PixelSpace {
    private final ImageTransform transform;
    private final Preprocessing p;

    public PixelSpace(Preprocessing p) {
        this.p = p;
        this.transform = new ImageTransform(p);
    }

    public Preprocessing preprocessing() {
        return p;
    }

    /** Values of one image: 3 * height * width. */
    public int size() {
        return 3 * p.height() * p.width();
    }

    /** The network input for a batch of pixel images (exactly what {@link ImageTransform#eval} would give). */
    public INDArray input(List<float[]> pixels) {
        int n = size();
        float[] out = new float[pixels.size() * n];
        for (int i = 0; i < pixels.size(); i++) System.arraycopy(transform.normalize(pixels.get(i)), 0, out, i * n, n);
        return Nd4j.create(out, p.batchShape(pixels.size()), 'c');
    }

    /** {@link #input(List)} for one image. */
    public INDArray input(float[] pixels) {
        return input(List.of(pixels));
    }

    /**
     * The gradient with respect to the pixels of row {@code row}, from the gradient with respect to the
     * network input (shaped like the input batch), as interleaved RGB {@code [height][width][3]}.
     */
    public float[] pixelGradient(INDArray inputGradient, int row) {
        double[] g = Pixels.toPixelGradient(inputGradient, row, p);
        float[] out = new float[g.length];
        for (int i = 0; i < g.length; i++) out[i] = (float) g[i];
        return out;
    }

    /** Rounds to the nearest integer in 0..255: what an 8-bit PNG keeps. */
    public static float[] quantize(float[] pixels) {
        float[] q = new float[pixels.length];
        for (int i = 0; i < q.length; i++) q[i] = Math.max(0, Math.min(255, Math.round(pixels[i])));
        return q;
    }

    /** Largest absolute difference, in pixel levels. */
    public static double linf(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /** Euclidean norm of the difference, in pixel levels. */
    public static double l2(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Index of the largest value; ties go to the lower index (as numpy.argmax and tl eval). */
    public static int argMax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
