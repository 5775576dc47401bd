package dev.tl.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                throw new WeightsException(String.join(",", paths.stream().map(p -> p.getFileName().toString()).toList())
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
        try {
            KerasModel km = new KerasModel().modelBuilder()
                    .modelJson(kerasModelJson())
                    .enforceTrainingConfig(false)
                    .buildModel();
            setWeights(km, readWeights());
            return km.getComputationGraph(true);
        } catch (UnsupportedKerasConfigurationException e) {
            throw new WeightsException(modelJson + ": architecture not importable by DL4J: " + firstLine(e.getMessage()));
        } catch (InvalidKerasConfigurationException | IOException e) {
            throw new WeightsException(modelJson + ": invalid Keras topology: " + firstLine(e.getMessage()));
        }
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
