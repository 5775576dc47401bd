package dev.tl.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TensorFlow.js "layers-model" ({@code model.json} + binary weight shards) into a DL4J graph.
 *
 * <p>The topology inside {@code model.json} is plain Keras JSON, so DL4J's Keras importer builds the graph
 * from it; the weights, which the importer can only read from HDF5, are decoded here from the shards
 * (little-endian float32, concatenated in manifest order, possibly split across shard files) and handed to
 * each Keras layer, which converts kernel layouts exactly as it would for HDF5.
 */
public final class TfjsLayersModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path modelJson;
    private final JsonNode root;

    private TfjsLayersModel(Path modelJson, JsonNode root) {
        this.modelJson = modelJson;
        this.root = root;
    }

    public static TfjsLayersModel open(Path modelJson) {
        if (Files.isDirectory(modelJson)) modelJson = modelJson.resolve("model.json");
        if (!Files.isRegularFile(modelJson)) {
            throw new WeightsException(modelJson + ": no such file; point to a TensorFlow.js model.json");
        }
        try {
            JsonNode root = JSON.readTree(modelJson.toFile());
            if (!root.has("modelTopology") || !root.has("weightsManifest")) {
                throw new WeightsException(modelJson + ": not a TensorFlow.js layers model (needs modelTopology and weightsManifest)");
            }
            return new TfjsLayersModel(modelJson, root);
        } catch (IOException e) {
            throw new WeightsException(modelJson + ": unreadable JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    /** The Keras model config as the DL4J importer expects it (class_name/config + keras_version/backend). */
    public String kerasModelJson() {
        JsonNode topo = root.get("modelTopology");
        JsonNode cfg = topo.has("model_config") ? topo.get("model_config") : topo;
        ObjectNode out = ((ObjectNode) cfg).deepCopy();
        out.put("keras_version", topo.path("keras_version").asText("2.2.4"));
        out.put("backend", topo.path("backend").asText("tensorflow"));
        return out.toString();
    }

    /** Name, shape and data of every weight in the manifest, in manifest order. */
    public Map<String, INDArray> readWeights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        Path dir = modelJson.getParent();
        for (JsonNode group : root.get("weightsManifest")) {
            List<Path> paths = new ArrayList<>();
            long total = 0;
            for (JsonNode p : group.get("paths")) {
                Path f = dir.resolve(p.asText());
                if (!Files.isRegularFile(f)) {
                    throw new WeightsException(f + ": weight shard listed in " + modelJson.getFileName() + " is missing; re-fetch the model");
                }
                paths.add(f);
                try {
                    total += Files.size(f);
                } catch (IOException e) {
                    throw new WeightsException(f + ": unreadable (" + e.getMessage() + ")");
                }
            }
            long expected = 0;
            for (JsonNode w : group.get("weights")) {
                String dtype = w.path("dtype").asText("float32");
                if (!dtype.equals("float32")) {
                    throw new WeightsException(modelJson + ": weight " + w.get("name").asText() + " has dtype " + dtype + "; only float32 is supported");
                }
                if (w.has("quantization")) {
                    throw new WeightsException(modelJson + ": weight " + w.get("name").asText() + " is quantized; only unquantized float32 models are supported");
                }
                expected += 4L * numel(w.get("shape"));
            }
            if (expected != total) {
                throw new WeightsException(String.join(", ", paths.stream().map(Path::toString).toList())
                        + ": shards hold " + total + " bytes but " + modelJson.getFileName() + " declares " + expected + " (truncated or mismatched download); re-fetch the model");
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
            for (Path f : paths) {
                try (InputStream in = Files.newInputStream(f)) {
                    buf.put(in.readAllBytes());
                } catch (IOException e) {
                    throw new WeightsException(f + ": unreadable (" + e.getMessage() + ")");
                }
            }
            buf.flip();
            for (JsonNode w : group.get("weights")) {
                long[] shape = shape(w.get("shape"));
                int n = Math.toIntExact(numel(w.get("shape")));
                float[] data = new float[n];
                buf.asFloatBuffer().get(data);
                buf.position(buf.position() + 4 * n);
                INDArray arr = shape.length == 0 ? Nd4j.scalar(data[0]) : Nd4j.create(data, shape, 'c');
                out.put(w.get("name").asText(), arr.castTo(DataType.FLOAT));
            }
        }
        return out;
    }

    /** Builds the DL4J graph with the weights loaded. */
    public ComputationGraph toComputationGraph() {
        ObjectNode topo = (ObjectNode) readTree(kerasModelJson());
        List<String> dense = flattenConvHead(topo);
        Map<String, INDArray> weights = readWeights();
        for (String layer : dense) {
            // a 1x1 conv kernel [1, 1, in, out] applied to a 1x1 map is a dense kernel [in, out]
            String key = layer + "/kernel";
            INDArray k = weights.get(key);
            if (k != null && k.rank() == 4) weights.put(key, k.reshape('c', k.size(2), k.size(3)));
        }
        return importGraph(topo.toString(), weights, modelJson);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new WeightsException("invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Keras MobileNet ends in {@code GlobalAveragePooling2D -> Reshape(1,1,C) -> Dropout -> Conv2D 1x1 ->
     * Activation(softmax) -> Reshape(classes)}; DL4J cannot map the final Reshape of a 1x1 map to a vector.
     * This rewrites that pattern, in place, to the equivalent {@code GlobalAveragePooling2D -> Dropout ->
     * Dense -> Activation}: reshapes that only add or drop unit spatial dimensions are removed and 1x1
     * convolutions on a vector become Dense layers. Returns the names of the layers turned into Dense, whose
     * kernels must be reshaped from [1, 1, in, out] to [in, out]. Other topologies are left unchanged.
     */
    static List<String> flattenConvHead(ObjectNode model) {
        ArrayNode layers = (ArrayNode) model.path("config").path("layers");
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (JsonNode l : layers) byName.put(l.path("name").asText(), (ObjectNode) l);
        Map<String, String> rewire = new HashMap<>();
        java.util.Set<String> flat = new java.util.HashSet<>();
        List<String> dense = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (JsonNode jl : layers) {
            ObjectNode l = (ObjectNode) jl;
            String name = l.path("name").asText();
            String cls = l.path("class_name").asText();
            List<String> ins = new ArrayList<>();
            for (JsonNode node : l.path("inbound_nodes")) {
                for (JsonNode in : node) {
                    String src = in.get(0).asText();
                    while (rewire.containsKey(src)) src = rewire.get(src);
                    ((ArrayNode) in).set(0, com.fasterxml.jackson.databind.node.TextNode.valueOf(src));
                    ins.add(src);
                }
            }
            boolean inFlat = ins.size() == 1 && flat.contains(ins.get(0));
            switch (cls) {
                case "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "Dense" -> flat.add(name);
                case "Dropout", "Activation" -> { if (inFlat) flat.add(name); }
                case "Reshape" -> {
                    JsonNode t = l.path("config").path("target_shape");
                    boolean unitSpatial = t.size() == 3 && t.get(0).asInt() == 1 && t.get(1).asInt() == 1;
                    if (inFlat && (t.size() == 1 || unitSpatial)) {
                        rewire.put(name, ins.get(0));
                        removed.add(name);
                    }
                }
                case "Conv2D" -> {
                    JsonNode k = l.path("config").path("kernel_size");
                    if (inFlat && k.size() == 2 && k.get(0).asInt() == 1 && k.get(1).asInt() == 1) {
                        ObjectNode c = (ObjectNode) l.get("config");
                        c.put("units", c.path("filters").asInt());
                        for (String f : new String[]{"filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"}) c.remove(f);
                        l.put("class_name", "Dense");
                        dense.add(name);
                        flat.add(name);
                    }
                }
                default -> { }
            }
        }
        if (removed.isEmpty()) return dense;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (removed.contains(layers.get(i).path("name").asText())) layers.remove(i);
        }
        for (JsonNode out : model.path("config").path("output_layers")) {
            String src = out.get(0).asText();
            while (rewire.containsKey(src)) src = rewire.get(src);
            ((ArrayNode) out).set(0, com.fasterxml.jackson.databind.node.TextNode.valueOf(src));
        }
        return dense;
    }

    /**
     * Keras model JSON + weights named {@code layer/param} (Keras layout) to a DL4J graph, through DL4J's
     * Keras importer, which converts each layer's kernel layout as it would for HDF5. Any failure becomes one
     * {@link WeightsException} line naming {@code source} and, when it can be told, the offending layer.
     */
    static ComputationGraph importGraph(String kerasJson, Map<String, INDArray> weights, Path source) {
        try {
            KerasModel km = new KerasModel().modelBuilder()
                    .modelJson(kerasJson)
                    .enforceTrainingConfig(false)
                    .buildModel();
            setWeights(km, weights);
            return km.getComputationGraph(true);
        } catch (UnsupportedKerasConfigurationException e) {
            throw new WeightsException(source + ": " + offendingLayer(kerasJson, e.getMessage())
                    + "cannot be imported by DL4J: " + firstLine(e.getMessage()));
        } catch (InvalidKerasConfigurationException | IOException e) {
            throw new WeightsException(source + ": " + offendingLayer(kerasJson, e.getMessage())
                    + "invalid Keras topology: " + firstLine(e.getMessage()));
        } catch (WeightsException e) {
            throw new WeightsException(source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new WeightsException(source + ": " + offendingLayer(kerasJson, e.getMessage())
                    + "import failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * DL4J's import errors name the Keras class ("Unsupported keras layer type Foo") or the layer, rarely
     * both; find the first layer of the topology that the message mentions, so the user learns which one.
     */
    static String offendingLayer(String kerasJson, String message) {
        if (message == null) return "";
        try {
            JsonNode layers = JSON.readTree(kerasJson).path("config").path("layers");
            for (JsonNode l : layers) {
                String name = l.path("config").path("name").asText(l.path("name").asText());
                if (!name.isEmpty() && message.contains("'" + name + "'")) return "layer '" + name + "' (" + l.path("class_name").asText() + ") ";
            }
            for (JsonNode l : layers) {
                String cls = l.path("class_name").asText();
                String name = l.path("config").path("name").asText(l.path("name").asText());
                if (!cls.isEmpty() && message.matches("(?s).*\\b" + java.util.regex.Pattern.quote(cls) + "\\b.*")) {
                    return "layer '" + name + "' (" + cls + ") ";
                }
            }
        } catch (IOException e) {
            return "(topology unreadable: " + firstLine(e.getMessage()) + ") ";
        }
        return "";
    }

    /**
     * Groups weights named {@code layer/param} (TF.js names; HDF5 names look the same after their group
     * prefix) by layer and sets them, failing on any layer whose weights are missing or unused.
     */
    static void setWeights(KerasModel km, Map<String, INDArray> weights) throws InvalidKerasConfigurationException {
        Map<String, Map<String, INDArray>> byLayer = new LinkedHashMap<>();
        for (var e : weights.entrySet()) {
            String name = e.getKey();
            int slash = name.lastIndexOf('/');
            if (slash < 0) throw new WeightsException("weight '" + name + "' is not named layer/param");
            String layer = name.substring(0, slash);
            // Keras 2.1-era names repeat the layer ("conv1/conv1/kernel"); keep the first part that names a layer.
            String first = layer.contains("/") ? layer.substring(0, layer.indexOf('/')) : layer;
            String param = name.substring(slash + 1).replace(":0", "");
            byLayer.computeIfAbsent(km.getLayers().containsKey(layer) ? layer : first, k -> new HashMap<>()).put(param, e.getValue());
        }
        Map<String, KerasLayer> layers = km.getLayers();
        for (var e : byLayer.entrySet()) {
            KerasLayer layer = layers.get(e.getKey());
            if (layer == null) {
                throw new WeightsException("weights for layer '" + e.getKey() + "' but the architecture has no such layer");
            }
            if (layer.getNumParams() != e.getValue().size()) {
                throw new WeightsException("layer '" + e.getKey() + "' expects " + layer.getNumParams() + " weight arrays, found " + e.getValue().keySet());
            }
            layer.setWeights(e.getValue());
        }
        for (var e : layers.entrySet()) {
            if (e.getValue().getNumParams() > 0 && !byLayer.containsKey(e.getKey())) {
                throw new WeightsException("layer '" + e.getKey() + "' has no weights in the weights file");
            }
        }
    }

    private static long numel(JsonNode shape) {
        long n = 1;
        for (JsonNode d : shape) n *= d.asLong();
        return n;
    }

    private static long[] shape(JsonNode shape) {
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) s[i] = shape.get(i).asLong();
        return s;
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
