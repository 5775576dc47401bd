package dev.tl.data;

import dev.tl.backbone.Preprocessing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

/**
 * Turns an RGB image into the normalized float tensor of one sample, as {@link Preprocessing} says.
 *
 * <p>Evaluation: resize so that the shorter side is {@code p.resizeShorter()} (the longer side as
 * torchvision's {@code Resize}: {@code int(size * long / short)}), center crop {@code p.height() x p.width()},
 * normalize. Training ({@link #augment}): RandomResizedCrop like torchvision's (random area fraction
 * {@code minScale..1}, aspect ratio 3/4..4/3, 10 tries then a center crop) resized to the input size, then a
 * horizontal flip with probability 0.5.
 *
 * <p>Resampling: our own separable bilinear (triangle) filter, the same as PIL's {@code BILINEAR} and
 * torchvision's {@code antialias=True}: when downscaling by a factor s the filter is widened by s, so every
 * source pixel contributes (area averaging, no aliasing) at any factor, not just beyond 2x. We do not use
 * Graphics2D: its result depends on the rendering pipeline and it does not antialias when shrinking.
 * Crop and resize are one step: only the crop box is resampled, with filter taps clamped to the whole
 * image, which gives exactly what resize-then-crop would. Values stay float (no rounding to 8 bits between
 * the steps).
 *
 * <p>Output layout: {@code [H][W][C]} if {@code p.channelsLast()}, else {@code [C][H][W]}; the channel axis
 * in {@code p.channelOrder()} ({@link Preprocessing#channelIndex}). Instances are immutable and thread-safe.
 */
public final class ImageTransform {
    private static final double MIN_LOG_RATIO = Math.log(3.0 / 4.0);
    private static final double MAX_LOG_RATIO = Math.log(4.0 / 3.0);

    private final Preprocessing p;

    public ImageTransform(Preprocessing p) {
        this.p = p;
    }

    public Preprocessing preprocessing() {
        return p;
    }

    /** Number of floats of one sample: 3 * height * width. */
    public int sampleSize() {
        return 3 * p.height() * p.width();
    }

    /** The evaluation transform: resize shorter side, center crop, normalize. */
    public float[] eval(BufferedImage rgb) {
        return tensor(rgb, evalBox(rgb.getWidth(), rgb.getHeight()), false);
    }

    /** The training transform for {@code a}, with randomness from {@code rnd}; {@link Augment#NONE} = eval. */
    public float[] augment(BufferedImage rgb, Augment a, Random rnd) {
        if (a.isNone()) return eval(rgb);
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        Box box = a.minScale() < 1.0 ? randomResizedCropBox(w, h, a.minScale(), rnd) : evalBox(w, h);
        boolean flip = a.flip() && rnd.nextBoolean();
        return tensor(rgb, box, flip);
    }

    /** A region of the source image, in source pixels. */
    record Box(double x, double y, double w, double h) {}

    /** The source region that resize + center crop keeps. */
    Box evalBox(int w, int h) {
        int[] size = resizedSize(w, h);
        int rw = size[0];
        int rh = size[1];
        // torchvision CenterCrop: int(round((size - crop) / 2.0)), Python rounds half to even like Math.rint
        int[] at = evalCropOrigin(rw, rh);
        int left = at[0];
        int top = at[1];
        double sx = (double) w / rw;
        double sy = (double) h / rh;
        return new Box(left * sx, top * sy, p.width() * sx, p.height() * sy);
    }

    /** torchvision's RandomResizedCrop.get_params with scale (minScale, 1) and ratio (3/4, 4/3). */
    static Box randomResizedCropBox(int width, int height, double minScale, Random rnd) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (1 - minScale) * rnd.nextDouble());
            double ratio = Math.exp(MIN_LOG_RATIO + (MAX_LOG_RATIO - MIN_LOG_RATIO) * rnd.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rnd.nextInt(height - h + 1);
                int left = rnd.nextInt(width - w + 1);
                return new Box(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < 3.0 / 4.0) {
            w = width;
            h = (int) Math.round(w / (3.0 / 4.0));
        } else if (inRatio > 4.0 / 3.0) {
            h = height;
            w = (int) Math.round(h * (4.0 / 3.0));
        } else {
            w = width;
            h = height;
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    /**
     * The pixels the evaluation transform feeds the network, before normalization: the resized and
     * center-cropped image as interleaved RGB floats in 0..255, {@code [height][width][3]}.
     * {@code normalize(evalPixels(img))} equals {@code eval(img)} exactly.
     */
    public float[] evalPixels(BufferedImage rgb) {
        return resample(pixels(rgb), rgb.getWidth(), rgb.getHeight(), evalBox(rgb.getWidth(), rgb.getHeight()), p.width(), p.height());
    }

    /**
     * The whole image resized as the evaluation transform resizes it (shorter side to
     * {@code resizeShorter}), before the crop: interleaved RGB floats in 0..255. The center crop of this
     * image at {@link #evalCropOrigin} equals {@link #evalPixels} up to float rounding; and an 8-bit image of
     * exactly this size goes through {@link #eval} unresampled (scale 1), its crop taken at the same place.
     */
    public Resized evalResized(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] size = resizedSize(w, h);
        float[] px = resample(pixels(rgb), w, h, new Box(0, 0, w, h), size[0], size[1]);
        int[] at = evalCropOrigin(size[0], size[1]);
        return new Resized(px, size[0], size[1], at[0], at[1]);
    }

    /** An interleaved RGB float image of {@code width x height} whose eval crop starts at (cropX, cropY). */
    public record Resized(float[] pixels, int width, int height, int cropX, int cropY) {}

    /** Width and height after the resize of the shorter side to {@code resizeShorter} (torchvision's rule). */
    int[] resizedSize(int w, int h) {
        int s = p.resizeShorter();
        return w <= h ? new int[]{s, (int) ((long) s * h / w)} : new int[]{(int) ((long) s * w / h), s};
    }

    /** Left and top of the center crop in an image already resized to {@code rw x rh}. */
    int[] evalCropOrigin(int rw, int rh) {
        return new int[]{(int) Math.rint((rw - p.width()) / 2.0), (int) Math.rint((rh - p.height()) / 2.0)};
    }

    /**
     * Normalizes interleaved RGB pixels ({@code [height][width][3]}, 0..255) into one sample of the network
     * input, laid out and channel-ordered as the preprocessing says.
     */
    public float[] normalize(float[] rgbPixels) {
        return layout(rgbPixels, false);
    }

    private float[] tensor(BufferedImage rgb, Box box, boolean flip) {
        return layout(resample(pixels(rgb), rgb.getWidth(), rgb.getHeight(), box, p.width(), p.height()), flip);
    }

    private float[] layout(float[] px, boolean flip) {
        int oh = p.height();
        int ow = p.width();
        if (px.length != 3 * oh * ow) throw new IllegalArgumentException(px.length + " values for a " + ow + "x" + oh + " RGB image");
        float[] out = new float[3 * oh * ow];
        int[] ch = {p.channelIndex(0), p.channelIndex(1), p.channelIndex(2)};
        int plane = oh * ow;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int src = (y * ow + (flip ? ow - 1 - x : x)) * 3;
                for (int c = 0; c < 3; c++) {
                    float v = p.normalize(c, px[src + c]);
                    int idx = p.channelsLast() ? (y * ow + x) * 3 + ch[c] : ch[c] * plane + y * ow + x;
                    out[idx] = v;
                }
            }
        }
        return out;
    }

    private static int[] pixels(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB && img.getRaster().getParent() == null) {
            int[] d = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            if (d.length == img.getWidth() * img.getHeight()) return d;
        }
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /**
     * Resamples {@code box} of a {@code w x h} RGB image to {@code ow x oh}; returns interleaved RGB floats in
     * 0..255 ([oh][ow][3]). Separable triangle filter, widened by the scale factor when shrinking.
     */
    static float[] resample(int[] argb, int w, int h, Box box, int ow, int oh) {
        Taps tx = Taps.of(box.x(), box.w(), ow, w);
        Taps ty = Taps.of(box.y(), box.h(), oh, h);
        int rowFirst = ty.min();
        int rowLast = ty.max();
        // horizontal pass over only the rows the vertical pass needs: [rows][ow][3]
        int rows = rowLast - rowFirst + 1;
        float[] tmp = new float[rows * ow * 3];
        for (int r = 0; r < rows; r++) {
            int base = (rowFirst + r) * w;
            for (int x = 0; x < ow; x++) {
                float sr = 0;
                float sg = 0;
                float sb = 0;
                int start = tx.start[x];
                int off = x * tx.stride;
                for (int k = 0; k < tx.count[x]; k++) {
                    int c = argb[base + start + k];
                    float wt = tx.weight[off + k];
                    sr += wt * (c >>> 16 & 0xFF);
                    sg += wt * (c >>> 8 & 0xFF);
                    sb += wt * (c & 0xFF);
                }
                int o = (r * ow + x) * 3;
                tmp[o] = sr;
                tmp[o + 1] = sg;
                tmp[o + 2] = sb;
            }
        }
        float[] out = new float[oh * ow * 3];
        for (int y = 0; y < oh; y++) {
            int start = ty.start[y] - rowFirst;
            int off = y * ty.stride;
            for (int k = 0; k < ty.count[y]; k++) {
                float wt = ty.weight[off + k];
                int srcRow = (start + k) * ow * 3;
                int dstRow = y * ow * 3;
                for (int i = 0; i < ow * 3; i++) out[dstRow + i] += wt * tmp[srcRow + i];
            }
        }
        return out;
    }

    /** Filter taps along one axis: for output i, source pixels start[i] .. start[i]+count[i]-1. */
    private record Taps(int[] start, int[] count, float[] weight, int stride) {
        static Taps of(double boxStart, double boxLen, int outLen, int inLen) {
            double scale = boxLen / outLen;
            double fscale = Math.max(scale, 1.0);
            double support = fscale; // triangle filter of radius 1, widened when shrinking
            int stride = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outLen];
            int[] count = new int[outLen];
            float[] weight = new float[outLen * stride];
            for (int i = 0; i < outLen; i++) {
                double center = boxStart + (i + 0.5) * scale;
                int lo = Math.max((int) Math.floor(center - support), 0);
                int hi = Math.min((int) Math.ceil(center + support), inLen); // exclusive
                double sum = 0;
                int n = 0;
                double[] ws = new double[Math.max(hi - lo, 0)];
                for (int j = lo; j < hi; j++) {
                    double d = Math.abs((j + 0.5 - center) / fscale);
                    double wt = d < 1 ? 1 - d : 0;
                    ws[j - lo] = wt;
                    sum += wt;
                }
                // trim zero weights at both ends so that count <= stride
                int a = 0;
                int b = ws.length;
                while (a < b && ws[a] == 0) a++;
                while (b > a && ws[b - 1] == 0) b--;
                if (sum == 0) { // box entirely outside the image: nearest edge pixel
                    int nearest = Math.min(Math.max((int) Math.floor(center), 0), inLen - 1);
                    start[i] = nearest;
                    count[i] = 1;
                    weight[i * stride] = 1f;
                    continue;
                }
                start[i] = lo + a;
                count[i] = b - a;
                for (int k = a; k < b; k++) weight[i * stride + n++] = (float) (ws[k] / sum);
            }
            return new Taps(start, count, weight, stride);
        }

        int min() {
            int m = Integer.MAX_VALUE;
            for (int s : start) m = Math.min(m, s);
            return m;
        }

        int max() {
            int m = 0;
            for (int i = 0; i < start.length; i++) m = Math.max(m, start[i] + count[i] - 1);
            return m;
        }
    }
}
