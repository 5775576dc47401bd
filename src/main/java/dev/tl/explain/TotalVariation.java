package dev.tl.explain;

/**
 * Smoothed isotropic total variation of an image with values in 0..255 ({@code [H][W][C]} interleaved), on
 * the 0..1 scale and averaged over pixels so that its size does not depend on the resolution:
 *
 * <pre>TV(v) = 1/(H W) * sum_{y, x, c} sqrt(dx^2 + dy^2 + eps^2),  dx = (v[y, x+1, c] - v[y, x, c]) / 255,
 *                                                                 dy = (v[y+1, x, c] - v[y, x, c]) / 255</pre>
 *
 * with forward differences (zero past the last column and row) and {@code eps = 1e-3} so that the gradient
 * exists on flat regions. Isotropic and not squared: it charges an edge by its length, not by its height
 * squared, so it removes pixel noise but lets shapes keep their edges. A flat image has TV about 3 * eps;
 * i.i.d. noise of standard deviation s (0..1 scale) about 3 * 1.77 s.
 */
public final class TotalVariation {
    public static final double EPS = 1e-3;

    private TotalVariation() {}

    public static double value(double[] v, int h, int w, int channels) {
        double sum = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    int i = (y * w + x) * channels + c;
                    double dx = x + 1 < w ? (v[i + channels] - v[i]) / 255.0 : 0;
                    double dy = y + 1 < h ? (v[i + w * channels] - v[i]) / 255.0 : 0;
                    sum += Math.sqrt(dx * dx + dy * dy + EPS * EPS);
                }
            }
        }
        return sum / ((double) h * w);
    }

    /** d TV / d v, analytically: each term's derivative lands on its pixel and its right and lower neighbours. */
    public static double[] gradient(double[] v, int h, int w, int channels) {
        double[] g = new double[v.length];
        double k = 1.0 / (255.0 * h * w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    int i = (y * w + x) * channels + c;
                    double dx = x + 1 < w ? (v[i + channels] - v[i]) / 255.0 : 0;
                    double dy = y + 1 < h ? (v[i + w * channels] - v[i]) / 255.0 : 0;
                    double n = Math.sqrt(dx * dx + dy * dy + EPS * EPS);
                    if (x + 1 < w) {
                        g[i + channels] += k * dx / n;
                        g[i] -= k * dx / n;
                    }
                    if (y + 1 < h) {
                        g[i + w * channels] += k * dy / n;
                        g[i] -= k * dy / n;
                    }
                }
            }
        }
        return g;
    }
}
