package dev.tl.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An independent forward pass for checking imports: plain Java floats, no ND4J, following the Keras model
 * JSON and the weights in Keras's own layout (conv kernels HWIO, depthwise kernels [h, w, in, multiplier],
 * dense kernels [in, out]) with TensorFlow's padding rules. It shares nothing with DL4J's importer, so
 * agreement to ~1e-4 shows that layouts, padding, BN epsilon and activations were all converted right.
 * Convolutions run in parallel over output rows; ResNet50 takes a few seconds per image.
 */
final class ReferenceForward {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An activation map of one image, HWC row-major; a vector is 1x1xC. */
    record T(int h, int w, int c, float[] d) {
        float at(int y, int x, int ch) {
            return d[(y * w + x) * c + ch];
        }
    }

    private final JsonNode layers;
    private final Map<String, float[]> weights;

    /**
     * @param kerasJson model JSON ({@code class_name/config} at top, or a TF.js {@code modelTopology})
     * @param weights   {@code layer/param} to data in Keras layout
     */
    ReferenceForward(String kerasJson, Map<String, float[]> weights) throws IOException {
        JsonNode root = JSON.readTree(kerasJson);
        if (root.has("model_config")) root = root.get("model_config");
        this.layers = root.path("config").path("layers");
        this.weights = weights;
    }

    /** Runs the whole model; returns every layer's output by layer name. */
    Map<String, T> run(T input) {
        Map<String, T> out = new LinkedHashMap<>();
        for (JsonNode l : layers) {
            String name = l.path("name").asText();
            JsonNode cfg = l.path("config");
            List<T> ins = new ArrayList<>();
            for (JsonNode node : l.path("inbound_nodes")) for (JsonNode in : node) ins.add(need(out, in.get(0).asText()));
            T x = ins.isEmpty() ? input : ins.get(0);
            T y = switch (l.path("class_name").asText()) {
                case "InputLayer", "Dropout", "Reshape", "Flatten" -> x;
                case "ZeroPadding2D" -> zeroPad(x, cfg.path("padding"));
                case "Conv2D" -> activation(conv(x, w(name, "kernel"), bias(name, cfg), cfg, false), cfg.path("activation").asText("linear"));
                case "DepthwiseConv2D" -> activation(conv(x, w(name, "depthwise_kernel"), bias(name, cfg), cfg, true), cfg.path("activation").asText("linear"));
                case "Dense" -> activation(dense(x, w(name, "kernel"), bias(name, cfg)), cfg.path("activation").asText("linear"));
                case "BatchNormalization" -> batchNorm(name, x, cfg);
                case "Activation" -> activation(x, cfg.path("activation").asText());
                case "ReLU" -> activation(x, cfg.path("max_value").isNumber() && cfg.path("max_value").asDouble() == 6 ? "relu6" : "relu");
                case "Add" -> add(ins);
                case "Concatenate" -> concat(ins);
                case "MaxPooling2D" -> pool(x, cfg, true);
                case "AveragePooling2D" -> pool(x, cfg, false);
                case "GlobalAveragePooling2D" -> globalAvg(x);
                default -> throw new IllegalArgumentException("reference forward: unsupported layer " + l.path("class_name").asText() + " (" + name + ")");
            };
            out.put(name, y);
        }
        return out;
    }

    private static T need(Map<String, T> out, String name) {
        T t = out.get(name);
        if (t == null) throw new IllegalStateException("layer input '" + name + "' not computed yet");
        return t;
    }

    private float[] w(String layer, String param) {
        float[] v = weights.get(layer + "/" + param);
        if (v == null) throw new IllegalArgumentException("no weight " + layer + "/" + param);
        return v;
    }

    private float[] bias(String layer, JsonNode cfg) {
        return cfg.path("use_bias").asBoolean(true) ? w(layer, "bias") : null;
    }

    private static int[] pair(JsonNode n, int dflt) {
        if (n.isMissingNode() || n.isNull()) return new int[]{dflt, dflt};
        if (n.isInt()) return new int[]{n.asInt(), n.asInt()};
        return new int[]{n.get(0).asInt(), n.get(1).asInt()};
    }

    /** TensorFlow's output size and leading padding for one axis. */
    private static int[] geometry(int in, int k, int s, boolean same) {
        if (same) {
            int out = (in + s - 1) / s;
            int total = Math.max((out - 1) * s + k - in, 0);
            return new int[]{out, total / 2};
        }
        return new int[]{(in - k) / s + 1, 0};
    }

    static T zeroPad(T x, JsonNode p) {
        int t, b, l, r;
        if (p.isInt()) {
            t = b = l = r = p.asInt();
        } else if (p.get(0).isInt()) {
            t = b = p.get(0).asInt();
            l = r = p.get(1).asInt();
        } else {
            t = p.get(0).get(0).asInt();
            b = p.get(0).get(1).asInt();
            l = p.get(1).get(0).asInt();
            r = p.get(1).get(1).asInt();
        }
        int h = x.h + t + b, w = x.w + l + r;
        float[] d = new float[h * w * x.c];
        for (int y = 0; y < x.h; y++) System.arraycopy(x.d, y * x.w * x.c, d, ((y + t) * w + l) * x.c, x.w * x.c);
        return new T(h, w, x.c, d);
    }

    /** Conv2D (kernel [kh, kw, in, out]) or depthwise (kernel [kh, kw, in, mult], output channel in*mult+m). */
    static T conv(T x, float[] kernel, float[] bias, JsonNode cfg, boolean depthwise) {
        int[] k = pair(cfg.path("kernel_size"), 1);
        int[] s = pair(cfg.path("strides"), 1);
        boolean same = cfg.path("padding").asText("valid").equals("same");
        int[] gy = geometry(x.h, k[0], s[0], same), gx = geometry(x.w, k[1], s[1], same);
        int oh = gy[0], ow = gx[0], cin = x.c;
        int cout = depthwise ? cin * cfg.path("depth_multiplier").asInt(1) : kernel.length / (k[0] * k[1] * cin);
        int mult = depthwise ? cout / cin : 0;
        float[] d = new float[oh * ow * cout];
        IntStream.range(0, oh).parallel().forEach(oy -> {
            float[] acc = new float[cout];
            for (int ox = 0; ox < ow; ox++) {
                if (bias != null) System.arraycopy(bias, 0, acc, 0, cout); else java.util.Arrays.fill(acc, 0f);
                for (int ky = 0; ky < k[0]; ky++) {
                    int iy = oy * s[0] + ky - gy[1];
                    if (iy < 0 || iy >= x.h) continue;
                    for (int kx = 0; kx < k[1]; kx++) {
                        int ix = ox * s[1] + kx - gx[1];
                        if (ix < 0 || ix >= x.w) continue;
                        int inBase = (iy * x.w + ix) * cin;
                        int kBase = (ky * k[1] + kx) * cin;
                        if (depthwise) {
                            for (int ci = 0; ci < cin; ci++) {
                                float v = x.d[inBase + ci];
                                for (int m = 0; m < mult; m++) acc[ci * mult + m] += v * kernel[(kBase + ci) * mult + m];
                            }
                        } else {
                            for (int ci = 0; ci < cin; ci++) {
                                float v = x.d[inBase + ci];
                                if (v == 0f) continue;
                                int kOff = (kBase + ci) * cout;
                                for (int co = 0; co < cout; co++) acc[co] += v * kernel[kOff + co];
                            }
                        }
                    }
                }
                System.arraycopy(acc, 0, d, (oy * ow + ox) * cout, cout);
            }
        });
        return new T(oh, ow, cout, d);
    }

    static T dense(T x, float[] kernel, float[] bias) {
        int in = x.d.length, out = kernel.length / in;
        float[] d = new float[out];
        IntStream.range(0, out).parallel().forEach(o -> {
            double acc = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) acc += (double) x.d[i] * kernel[i * out + o];
            d[o] = (float) acc;
        });
        return new T(1, 1, out, d);
    }

    private T batchNorm(String name, T x, JsonNode cfg) {
        double eps = cfg.path("epsilon").asDouble(1e-3);
        float[] mean = w(name, "moving_mean"), var = w(name, "moving_variance");
        float[] gamma = cfg.path("scale").asBoolean(true) ? w(name, "gamma") : null;
        float[] beta = cfg.path("center").asBoolean(true) ? w(name, "beta") : null;
        int c = x.c;
        float[] a = new float[c], b = new float[c];
        for (int i = 0; i < c; i++) {
            double g = (gamma == null ? 1 : gamma[i]) / Math.sqrt(var[i] + eps);
            a[i] = (float) g;
            b[i] = (float) ((beta == null ? 0 : beta[i]) - mean[i] * g);
        }
        float[] d = new float[x.d.length];
        for (int i = 0; i < d.length; i++) d[i] = x.d[i] * a[i % c] + b[i % c];
        return new T(x.h, x.w, c, d);
    }

    static T activation(T x, String fn) {
        float[] d = x.d.clone();
        switch (fn) {
            case "linear" -> { }
            case "relu" -> { for (int i = 0; i < d.length; i++) d[i] = Math.max(0f, d[i]); }
            case "relu6" -> { for (int i = 0; i < d.length; i++) d[i] = Math.min(6f, Math.max(0f, d[i])); }
            case "softmax" -> {
                int c = x.c;
                for (int p = 0; p < d.length / c; p++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int i = 0; i < c; i++) max = Math.max(max, d[p * c + i]);
                    double[] e = new double[c];
                    for (int i = 0; i < c; i++) sum += e[i] = Math.exp(d[p * c + i] - max);
                    for (int i = 0; i < c; i++) d[p * c + i] = (float) (e[i] / sum);
                }
            }
            default -> throw new IllegalArgumentException("reference forward: unsupported activation " + fn);
        }
        return new T(x.h, x.w, x.c, d);
    }

    static T add(List<T> ins) {
        float[] d = ins.get(0).d.clone();
        for (int j = 1; j < ins.size(); j++) for (int i = 0; i < d.length; i++) d[i] += ins.get(j).d[i];
        T f = ins.get(0);
        return new T(f.h, f.w, f.c, d);
    }

    static T concat(List<T> ins) {
        T f = ins.get(0);
        int c = ins.stream().mapToInt(T::c).sum();
        float[] d = new float[f.h * f.w * c];
        for (int p = 0; p < f.h * f.w; p++) {
            int off = 0;
            for (T t : ins) {
                System.arraycopy(t.d, p * t.c, d, p * c + off, t.c);
                off += t.c;
            }
        }
        return new T(f.h, f.w, c, d);
    }

    static T pool(T x, JsonNode cfg, boolean max) {
        int[] k = pair(cfg.path("pool_size"), 2);
        int[] s = pair(cfg.path("strides"), k[0]);
        boolean same = cfg.path("padding").asText("valid").equals("same");
        int[] gy = geometry(x.h, k[0], s[0], same), gx = geometry(x.w, k[1], s[1], same);
        float[] d = new float[gy[0] * gx[0] * x.c];
        for (int oy = 0; oy < gy[0]; oy++) {
            for (int ox = 0; ox < gx[0]; ox++) {
                for (int c = 0; c < x.c; c++) {
                    float m = Float.NEGATIVE_INFINITY;
                    double sum = 0;
                    int n = 0;
                    for (int ky = 0; ky < k[0]; ky++) {
                        int iy = oy * s[0] + ky - gy[1];
                        if (iy < 0 || iy >= x.h) continue;
                        for (int kx = 0; kx < k[1]; kx++) {
                            int ix = ox * s[1] + kx - gx[1];
                            if (ix < 0 || ix >= x.w) continue;
                            float v = x.at(iy, ix, c);
                            m = Math.max(m, v);
                            sum += v;
                            n++;
                        }
                    }
                    d[(oy * gx[0] + ox) * x.c + c] = max ? m : (float) (sum / n); // TF averages over valid cells only
                }
            }
        }
        return new T(gy[0], gx[0], x.c, d);
    }

    static T globalAvg(T x) {
        float[] d = new float[x.c];
        int n = x.h * x.w;
        for (int c = 0; c < x.c; c++) {
            double s = 0;
            for (int p = 0; p < n; p++) s += x.d[p * x.c + c];
            d[c] = (float) (s / n);
        }
        return new T(1, 1, x.c, d);
    }
}
