package dev.tl.backbone;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a backbone wants its pixels: the input size, the resize before the center crop, the channel order,
 * the normalization and the tensor layout. It is saved inside every model bundle, so that predict and eval
 * feed a trained model exactly what it was trained on.
 *
 * <p>A pixel value {@code v} in 0..255 of channel {@code c} (in {@link #channelOrder}) becomes
 * {@code (v * scale - mean[c]) / std[c]}. Caffe style (Keras ResNet50, VGG16): BGR, scale 1, ImageNet mean,
 * std 1. MobileNet ("tf" style): RGB, scale 1/127.5, mean 1, std 1, i.e. {@code v/127.5 - 1}.
 *
 * @param height       network input height
 * @param width        network input width
 * @param resizeShorter the shorter image side is resized to this before the center crop (e.g. 256 for 224)
 * @param channelOrder "RGB" or "BGR"
 * @param scale        multiplier applied to 0..255 values before the mean is subtracted
 * @param mean         per channel, in {@code channelOrder}
 * @param std          per channel, in {@code channelOrder}
 * @param channelsLast NHWC if true, NCHW otherwise
 */
public record Preprocessing(int height, int width, int resizeShorter, String channelOrder, float scale,
                            float[] mean, float[] std, boolean channelsLast) {

    public static final float[] IMAGENET_CAFFE_MEAN_BGR = {103.939f, 116.779f, 123.68f};

    public Preprocessing {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("input size must be positive");
        if (resizeShorter < Math.min(height, width)) throw new IllegalArgumentException("resizeShorter must be >= input size");
        if (!channelOrder.equals("RGB") && !channelOrder.equals("BGR")) throw new IllegalArgumentException("channelOrder must be RGB or BGR");
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values");
    }

    /** Keras "caffe" mode: BGR, ImageNet mean subtracted, no scaling. */
    public static Preprocessing caffe(int size, boolean channelsLast) {
        return new Preprocessing(size, size, Math.round(size / 0.875f), "BGR", 1f, IMAGENET_CAFFE_MEAN_BGR.clone(), new float[]{1, 1, 1}, channelsLast);
    }

    /** Keras "tf" mode: RGB scaled to [-1, 1]. */
    public static Preprocessing tf(int size, boolean channelsLast) {
        return new Preprocessing(size, size, Math.round(size / 0.875f), "RGB", 1f / 127.5f, new float[]{1, 1, 1}, new float[]{1, 1, 1}, channelsLast);
    }

    /** Normalizes one 0..255 value of RGB channel {@code rgbChannel} (0=R, 1=G, 2=B). */
    public float normalize(int rgbChannel, float v) {
        int c = channelOrder.equals("BGR") ? 2 - rgbChannel : rgbChannel;
        return (v * scale - mean[c]) / std[c];
    }

    /** Position of RGB channel {@code rgbChannel} in the tensor's channel axis. */
    public int channelIndex(int rgbChannel) {
        return channelOrder.equals("BGR") ? 2 - rgbChannel : rgbChannel;
    }

    /** Shape of a batch of {@code n} images. */
    public long[] batchShape(int n) {
        return channelsLast ? new long[]{n, height, width, 3} : new long[]{n, 3, height, width};
    }

    /** Stable text for cache keys and provenance. */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%d resize%d %s scale%.8g mean%s std%s %s", height, width, resizeShorter,
                channelOrder, scale, Arrays.toString(mean), Arrays.toString(std), channelsLast ? "NHWC" : "NCHW");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.describe().equals(describe());
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
