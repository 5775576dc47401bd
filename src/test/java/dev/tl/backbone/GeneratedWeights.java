package dev.tl.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random weights for a Keras architecture, named and shaped exactly as Keras's {@code save_weights}
 * writes them (every layer listed, conv kernels HWIO {@code [kh, kw, in, out]}, dense kernels {@code [in, out]},
 * weight names {@code <layer><suffix>/kernel:0}), to stand in for official weight files that cannot be
 * downloaded here. Conv2D, Dense and weightless layers only, which covers VGG16 and SqueezeNet.
 */
final class GeneratedWeights {
    private GeneratedWeights() {}

    /**
     * @param nameSuffix appended to the layer name inside weight names, as TF's variable scopes do when a
     *                   model is built more than once ({@code "_3"} in the SqueezeNet file); "" for none
     */
    static KerasWeightsH5.Contents forArchitecture(String kerasJson, long seed, String nameSuffix) throws IOException {
        JsonNode layers = new ObjectMapper().readTree(kerasJson).path("config").path("layers");
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, int[]> shape = new HashMap<>(); // h, w, c (h = w = 0 for vectors)
        LinkedHashMap<String, List<KerasWeightsH5.Weight>> out = new LinkedHashMap<>();
        for (JsonNode l : layers) {
            String name = l.path("name").asText();
            JsonNode cfg = l.path("config");
            List<int[]> ins = new ArrayList<>();
            for (JsonNode node : l.path("inbound_nodes")) for (JsonNode in : node) ins.add(shape.get(in.get(0).asText()));
            int[] x = ins.isEmpty() ? null : ins.get(0);
            List<KerasWeightsH5.Weight> ws = new ArrayList<>();
            int[] y;
            switch (l.path("class_name").asText()) {
                case "InputLayer" -> {
                    JsonNode s = cfg.path("batch_input_shape");
                    y = new int[]{s.get(1).asInt(), s.get(2).asInt(), s.get(3).asInt()};
                }
                case "Conv2D" -> {
                    int k = cfg.path("kernel_size").get(0).asInt(), st = cfg.path("strides").get(0).asInt(), f = cfg.path("filters").asInt();
                    boolean same = cfg.path("padding").asText().equals("same");
                    ws.add(weight(name + nameSuffix + "/kernel:0", new long[]{k, k, x[2], f}, rnd, 1.0 / Math.sqrt(k * k * x[2])));
                    ws.add(weight(name + nameSuffix + "/bias:0", new long[]{f}, rnd, 0.1));
                    y = new int[]{out(x[0], k, st, same), out(x[1], k, st, same), f};
                }
                case "MaxPooling2D", "AveragePooling2D" -> {
                    int k = cfg.path("pool_size").get(0).asInt(), st = cfg.path("strides").get(0).asInt();
                    boolean same = cfg.path("padding").asText().equals("same");
                    y = new int[]{out(x[0], k, st, same), out(x[1], k, st, same), x[2]};
                }
                case "Flatten" -> y = new int[]{0, 0, x[0] * x[1] * x[2]};
                case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> y = new int[]{0, 0, x[2]};
                case "Dense" -> {
                    int u = cfg.path("units").asInt();
                    ws.add(weight(name + nameSuffix + "/kernel:0", new long[]{x[2], u}, rnd, 1.0 / Math.sqrt(x[2])));
                    ws.add(weight(name + nameSuffix + "/bias:0", new long[]{u}, rnd, 0.1));
                    y = new int[]{0, 0, u};
                }
                case "Concatenate" -> y = new int[]{x[0], x[1], ins.stream().mapToInt(s -> s[2]).sum()};
                case "Activation", "Dropout" -> y = x;
                default -> throw new IllegalArgumentException("cannot generate weights for " + l.path("class_name").asText());
            }
            shape.put(name, y);
            out.put(name, ws);
        }
        return new KerasWeightsH5.Contents("2.2.4", "tensorflow", out);
    }

    private static int out(int in, int k, int s, boolean same) {
        return same ? (in + s - 1) / s : (in - k) / s + 1;
    }

    private static KerasWeightsH5.Weight weight(String name, long[] shape, SplittableRandom rnd, double scale) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) data[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return new KerasWeightsH5.Weight(name, shape, data);
    }
}
