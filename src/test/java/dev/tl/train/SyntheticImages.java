package dev.tl.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Random 32x32 NHWC "images" whose class shows as a colour shift; views > 0 are flipped and noisier. */
final class SyntheticImages implements ImageSource {
    private final float[][] data;
    private final int[] labels;

    SyntheticImages(int n, int classes, long seed) {
        Random r = new Random(seed);
        data = new float[n][32 * 32 * 3];
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int p = 0; p < 32 * 32; p++) {
                for (int c = 0; c < 3; c++) {
                    data[i][p * 3 + c] = (float) (r.nextGaussian() * 0.5 + (c == labels[i] ? 0.8 : -0.2));
                }
            }
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public INDArray images(int[] indices, int view) {
        float[] out = new float[indices.length * 32 * 32 * 3];
        for (int k = 0; k < indices.length; k++) {
            float[] src = data[indices[k]];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int sx = view % 2 == 1 ? 31 - x : x;
                    for (int c = 0; c < 3; c++) {
                        out[k * 3072 + (y * 32 + x) * 3 + c] = src[(y * 32 + sx) * 3 + c] + (view > 0 ? 0.05f * view : 0f);
                    }
                }
            }
        }
        return Nd4j.create(out, new long[]{indices.length, 32, 32, 3}, 'c').castTo(DataType.FLOAT);
    }

    @Override
    public String contentId(int index) {
        return "synthetic-" + index + "-" + java.util.Arrays.hashCode(data[index]);
    }
}
