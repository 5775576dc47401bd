package dev.tl.backbone;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Plain-Java image preprocessing for import tests, independent of the project's data package: the whole
 * image resized (no crop) to the network input exactly as PIL's {@code Image.resize(size, BILINEAR)} does
 * (an antialiasing triangle filter, 8-bit fixed point, horizontal pass first), so that probabilities can be
 * set beside the PyTorch peer's published values, then {@link Preprocessing#normalize} per channel,
 * laid out NHWC. Both the DL4J graph and {@link ReferenceForward} are fed this same array, so the comparison
 * does not depend on the resize method.
 */
public final class TestImages {
    private TestImages() {}

    /** Batch of one, NHWC, as a flat float array (h, w, c). */
    public static float[] load(Path file, Preprocessing p) throws IOException {
        BufferedImage src = ImageIO.read(file.toFile());
        if (src == null) throw new IOException(file + ": not an image");
        int[][] rgb = pilBilinear(src, p.width(), p.height());
        float[] out = new float[p.height() * p.width() * 3];
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                int[] ch = rgb[y * p.width() + x];
                for (int c = 0; c < 3; c++) {
                    out[(y * p.width() + x) * 3 + p.channelIndex(c)] = p.normalize(c, ch[c]);
                }
            }
        }
        return out;
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** PIL's ImagingResample with the bilinear filter; returns RGB triples row-major. */
    static int[][] pilBilinear(BufferedImage src, int outW, int outH) {
        int w = src.getWidth(), h = src.getHeight();
        int[][] in = new int[w * h][];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = src.getRGB(x, y);
                in[y * w + x] = new int[]{(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff};
            }
        }
        int[][] tmp = resampleAxis(in, w, h, outW, true);
        return resampleAxis(tmp, outW, h, outH, false);
    }

    private static int[][] resampleAxis(int[][] in, int w, int h, int outSize, boolean horizontal) {
        int inSize = horizontal ? w : h;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 1.0 * filterScale;
        int[][] out = new int[horizontal ? outSize * h : w * outSize][];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[xmax];
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) / filterScale);
                k[x] = t < 1 ? 1 - t : 0;
                ww += k[x];
            }
            int[] kk = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double v = ww == 0 ? 0 : k[x] / ww;
                kk[x] = (int) (v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5);
            }
            int lines = horizontal ? h : w;
            for (int line = 0; line < lines; line++) {
                int[] px = new int[3];
                for (int c = 0; c < 3; c++) {
                    long ss = 1L << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) {
                        int[] q = horizontal ? in[line * w + xmin + x] : in[(xmin + x) * w + line];
                        ss += (long) q[c] * kk[x];
                    }
                    px[c] = (int) Math.max(0, Math.min(255, ss >> PRECISION_BITS));
                }
                if (horizontal) out[line * outSize + o] = px; else out[o * w + line] = px;
            }
        }
        return out;
    }

    public static INDArray nhwc(float[] hwc, Preprocessing p) {
        return Nd4j.create(hwc, new long[]{1, p.height(), p.width(), 3}, 'c');
    }

    /** Indices of the k largest values, largest first. */
    static int[] topK(float[] v, int k) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> Float.compare(v[b], v[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }
}
