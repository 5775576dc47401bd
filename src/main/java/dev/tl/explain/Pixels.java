package dev.tl.explain;

import dev.tl.backbone.Preprocessing;
import dev.tl.data.ImageTransform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.awt.image.BufferedImage;

/**
 * Between the pictures people look at and the tensors the network sees: an image here is interleaved RGB
 * in pixel units 0..255, {@code [H][W][3]} ({@code rgb[(y * w + x) * 3 + c]}, c = 0 R, 1 G, 2 B); the
 * network input is {@link Preprocessing}'s normalized tensor in its channel order and layout.
 */
public final class Pixels {
    private Pixels() {}

    /**
     * The network input for one image: {@code [1, H, W, 3]} or {@code [1, 3, H, W]}, float; the same
     * normalization and layout as every other input ({@link ImageTransform#normalize}).
     */
    public static INDArray toInput(double[] rgb, Preprocessing p) {
        check(rgb.length, p);
        float[] f = new float[rgb.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) rgb[i];
        return Nd4j.create(new ImageTransform(p).normalize(f), p.batchShape(1), 'c');
    }

    /** The pixels (0..255, unrounded) that {@link #toInput} maps to row 0 of {@code x}. */
    public static double[] fromInput(INDArray x, Preprocessing p) {
        int h = p.height(), w = p.width();
        float[] v = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        double[] rgb = new double[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int c = 0; c < 3; c++) {
                    int k = p.channelIndex(c);
                    rgb[(y * w + xx) * 3 + c] = ((double) v[index(p, y, xx, k)] * p.std()[k] + p.mean()[k]) / p.scale();
                }
            }
        }
        return rgb;
    }

    /** {@link #toPixelGradient(INDArray, int, Preprocessing)} of row 0. */
    public static double[] toPixelGradient(INDArray g, Preprocessing p) {
        return toPixelGradient(g, 0, p);
    }

    /**
     * The chain rule from a gradient with respect to the network input (row {@code row} of {@code g}, a batch
     * shaped like the input) to the gradient with respect to pixels: {@code dJ/dv_c = dJ/dx_c * scale / std[c]}.
     */
    public static double[] toPixelGradient(INDArray g, int row, Preprocessing p) {
        int h = p.height(), w = p.width();
        double[] v = g.get(NDArrayIndex.interval(row, row + 1)).castTo(DataType.DOUBLE).dup('c').data().asDouble();
        check(v.length, p);
        double[] out = new double[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int k = p.channelIndex(c);
                    out[(y * w + x) * 3 + c] = v[index(p, y, x, k)] * p.scale() / p.std()[k];
                }
            }
        }
        return out;
    }

    /** The pixel value per RGB channel that the network sees as 0 (the dataset mean for caffe/tf styles). */
    public static double[] zeroPixel(Preprocessing p) {
        double[] z = new double[3];
        for (int c = 0; c < 3; c++) z[c] = p.mean()[p.channelIndex(c)] / p.scale();
        return z;
    }

    /** Rounded and clamped to 8 bits. */
    public static BufferedImage image(double[] rgb, int h, int w) {
        if (rgb.length != h * w * 3) throw new IllegalArgumentException(rgb.length + " values for " + h + "x" + w + "x3");
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                img.setRGB(x, y, to8(rgb[i]) << 16 | to8(rgb[i + 1]) << 8 | to8(rgb[i + 2]));
            }
        }
        return img;
    }

    /** The pixels of an 8-bit image, as doubles. */
    public static double[] of(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        double[] out = new double[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                out[i] = v >>> 16 & 0xFF;
                out[i + 1] = v >>> 8 & 0xFF;
                out[i + 2] = v & 0xFF;
            }
        }
        return out;
    }

    static int to8(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static int index(Preprocessing p, int y, int x, int k) {
        return p.channelsLast() ? (y * p.width() + x) * 3 + k : k * p.height() * p.width() + y * p.width() + x;
    }

    private static void check(int n, Preprocessing p) {
        if (n != p.height() * p.width() * 3) {
            throw new IllegalArgumentException(n + " pixel values for a " + p.height() + "x" + p.width() + "x3 input");
        }
    }
}
