package dev.tl.explain;

import dev.tl.backbone.BackboneSpec;
import dev.tl.backbone.Preprocessing;
import dev.tl.model.ClassObjective.Score;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * Grad-CAM (Selvaraju et al., 2017) on the last convolutional feature map A (h x w x K) of a classifier:
 * channel weights {@code alpha_k = mean over (i, j) of d logit_c / d A[i, j, k]}, map
 * {@code ReLU(sum_k alpha_k A[., ., k])}, upsampled bilinearly to the input. Defined on the class
 * <em>logit</em>, not the probability, as in the paper: the softmax would mix every other class in and
 * flatten the map where the model is confident.
 *
 * <p>The feature map is found from the backbone's spec ({@link #featureMapVertex}), so it works for every
 * backbone and for models {@code tl train} built on them (a new head hangs off the same feature vertex).
 * The gradient is taken on the model as it predicts ({@link InputGradients#from}).
 */
public final class GradCam {
    private final ComputationGraph model;
    private final String vertex;
    private final boolean channelsLast;
    private final InputGradients tail;

    public GradCam(ComputationGraph model, BackboneSpec spec) {
        this(model, featureMapVertex(model, spec.featureVertex()), spec.preprocessing());
    }

    public GradCam(ComputationGraph model, String vertex, Preprocessing p) {
        this.model = model;
        this.vertex = vertex;
        this.channelsLast = channelsLast(model.getConfiguration(), vertex, p);
        this.tail = InputGradients.from(model, vertex);
    }

    /** The vertex whose activation is explained. */
    public String vertex() {
        return vertex;
    }

    /**
     * The last convolutional feature map before {@code featureVertex} (the global pooling the features come
     * from): its input, stepping back over pooling and dropout layers, so that Grad-CAM sees the last
     * convolutional stage at its own resolution (VGG16: {@code block5_conv3} at 14x14, not
     * {@code block5_pool} at 7x7; ResNet50: the last block's output at 7x7).
     */
    public static String featureMapVertex(ComputationGraph g, String featureVertex) {
        ComputationGraphConfiguration conf = g.getConfiguration();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        if (!conf.getVertices().containsKey(featureVertex)) {
            throw new IllegalArgumentException("the model has no feature vertex '" + featureVertex + "'");
        }
        List<String> in = inputs.get(featureVertex);
        if (in == null || in.size() != 1) throw new IllegalArgumentException("feature vertex " + featureVertex + " has inputs " + in + ", need one");
        String v = in.get(0);
        while (passThrough(conf.getVertices().get(v)) && inputs.get(v) != null && inputs.get(v).size() == 1
                && conf.getVertices().containsKey(inputs.get(v).get(0))) {
            v = inputs.get(v).get(0);
        }
        return v;
    }

    private static boolean passThrough(GraphVertex gv) {
        Layer l = layer(gv);
        return l instanceof SubsamplingLayer || l instanceof DropoutLayer;
    }

    private static Layer layer(GraphVertex gv) {
        if (!(gv instanceof LayerVertex lv)) return null;
        Layer l = lv.getLayerConf().getLayer();
        if (l instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayer f) l = f.getLayer();
        if (l instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop f) l = f.getUnderlying();
        return l;
    }

    /** Layout of {@code vertex}'s activation, from the graph's own shape inference (else the input's layout). */
    private static boolean channelsLast(ComputationGraphConfiguration conf, String vertex, Preprocessing p) {
        try {
            InputType in = InputType.convolutional(p.height(), p.width(), 3, p.channelsLast() ? CNN2DFormat.NHWC : CNN2DFormat.NCHW);
            InputType t = conf.getLayerActivationTypes(in).get(vertex);
            if (t instanceof InputType.InputTypeConvolutional c) return c.getFormat() == CNN2DFormat.NHWC;
            if (t != null) throw new IllegalArgumentException("Grad-CAM vertex " + vertex + " is not a convolutional feature map (" + t + ")");
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // shape inference fails on some imported graphs; the layout then follows the input's
        }
        return p.channelsLast();
    }

    /**
     * @param cam     ReLU of the weighted feature map, {@code [h][w]}, unnormalized
     * @param weights alpha_k per channel
     * @param logits  the model's logits for the image
     */
    public record Result(double[][] cam, double[] weights, INDArray logits) {
        public int height() {
            return cam.length;
        }

        public int width() {
            return cam[0].length;
        }
    }

    /** Grad-CAM of class {@code cls} for the single image {@code x} (a batch of one network input). */
    public Result map(INDArray x, int cls) {
        if (x.size(0) != 1) throw new IllegalArgumentException("one image at a time, got " + x.size(0));
        INDArray a = model.feedForward(new INDArray[]{x}, false, false).get(vertex).castTo(DataType.DOUBLE).dup('c');
        if (a.rank() != 4) throw new IllegalArgumentException("Grad-CAM vertex " + vertex + " has rank " + a.rank() + ", need a 4-d feature map");
        InputGradients.Result r = tail.gradient(a.castTo(x.dataType()), new int[]{cls}, Score.LOGIT);
        INDArray g = r.gradient().castTo(DataType.DOUBLE).dup('c');
        return compute(a, g, channelsLast, r.logits());
    }

    /** The Grad-CAM arithmetic on activation {@code a} and its gradient {@code g} (both {@code [1, ., ., .]}). */
    static Result compute(INDArray a, INDArray g, boolean channelsLast, INDArray logits) {
        long[] s = a.shape();
        int h = (int) (channelsLast ? s[1] : s[2]);
        int w = (int) (channelsLast ? s[2] : s[3]);
        int k = (int) (channelsLast ? s[3] : s[1]);
        double[] av = a.data().asDouble();
        double[] gv = g.data().asDouble();
        double[] alpha = new double[k];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < k; c++) alpha[c] += gv[idx(channelsLast, h, w, k, y, x, c)];
        for (int c = 0; c < k; c++) alpha[c] /= (double) h * w;
        double[][] cam = new double[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int c = 0; c < k; c++) sum += alpha[c] * av[idx(channelsLast, h, w, k, y, x, c)];
                cam[y][x] = Math.max(0, sum);
            }
        }
        return new Result(cam, alpha, logits);
    }

    private static int idx(boolean nhwc, int h, int w, int k, int y, int x, int c) {
        return nhwc ? (y * w + x) * k + c : (c * h + y) * w + x;
    }

    /**
     * Bilinear upsampling of a coarse map to {@code outH x outW}, cell centres aligned with pixel centres (a
     * cell covers {@code outH / h} pixels), edges clamped.
     */
    public static double[] upsample(double[][] m, int outH, int outW) {
        int h = m.length, w = m[0].length;
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * h / outH - 0.5));
            int y0 = (int) Math.floor(fy), y1 = Math.min(h - 1, y0 + 1);
            double ty = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max(0, Math.min(w - 1, (x + 0.5) * w / outW - 0.5));
                int x0 = (int) Math.floor(fx), x1 = Math.min(w - 1, x0 + 1);
                double tx = fx - x0;
                out[y * outW + x] = (1 - ty) * ((1 - tx) * m[y0][x0] + tx * m[y0][x1]) + ty * ((1 - tx) * m[y1][x0] + tx * m[y1][x1]);
            }
        }
        return out;
    }
}
